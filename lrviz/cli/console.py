"""What the command line prints besides results: rich consoles and a progress bar for long work."""

from __future__ import annotations


#: rows from which a run reports progress: about a second of stepping or formatting
LONG_RUN = 500_000


class progress_bar:
    """``with progress_bar(what) as report``: ``report(done, total)`` draws a transient rich bar on
    stderr once ``total`` reaches LONG_RUN rows; silent when stderr is not a terminal."""

    def __init__(self, what: str):
        self.what, self.bar, self.task, self.done = what, None, None, 0

    def __enter__(self):
        return self.report if console(stderr=True).is_terminal else None

    def report(self, done: int, total: int) -> None:
        if total < LONG_RUN:
            return
        if self.bar is None:
            from rich.progress import Progress

            self.bar = Progress(console=console(stderr=True), transient=True, auto_refresh=False)
            self.bar.start()
        if self.task is None or done < self.done:  # the next of several schedules
            self.task = self.bar.add_task(self.what, total=total)
        self.done = done
        self.bar.update(self.task, completed=done, refresh=True)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)

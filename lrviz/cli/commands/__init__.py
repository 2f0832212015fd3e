"""One module per lrviz command; importing one registers it on ``lrviz.cli.app.app``."""

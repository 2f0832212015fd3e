"""Build the real optimizer and scheduler a spec describes and step them into a Trace.

- build.py: the objects (optimizers.py: the dummy optimizer; argtypes.py: values converted to the
  signature's types; contracts.py: what torch documents but does not check; metrics.py: the
  metric streams ReduceLROnPlateau is stepped with);
- record.py: the stepping loop, recording what the optimizer holds.
"""

"""Networks that several families build on, with their input conventions."""

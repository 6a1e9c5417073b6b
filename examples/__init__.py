"""Examples for integrators: run them, copy what helps."""

"""Pure statistics for experiments (numpy/scipy, no Django): power, lift, sequential looks."""

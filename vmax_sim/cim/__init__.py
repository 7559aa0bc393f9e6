"""The simulator's CIM engine: schema, rendering, intrinsic operations,
extrinsic method providers and the dispatcher every transport calls."""

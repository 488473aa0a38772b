"""CallRail's endpoints, one module per kind of resource; ``CallRailClient`` combines them."""

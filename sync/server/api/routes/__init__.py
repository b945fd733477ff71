"""The server's routes, one `APIRouter` per area."""

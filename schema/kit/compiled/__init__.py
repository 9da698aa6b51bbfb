"""Pages built past per-field completion: plain selections compiled to one SQL statement that returns JSON (issue 14 point 3)."""

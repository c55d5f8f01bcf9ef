"""The resident portal and the partners' API, on top of the directory."""

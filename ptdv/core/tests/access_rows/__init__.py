"""More rows of the access matrix, one module per capability (see `access_matrix`).

Each module here may define `DOORS` (a list of `Door`), `ADMIN_MODELS` (a dict of
`AdminModel`) and `COMMANDS` (a dict of `Command`); `access_matrix` adds them to its own
tables when it is imported, so a capability's doors sit beside each other and two changes
adding doors do not edit the same lines.
"""

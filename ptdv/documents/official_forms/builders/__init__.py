"""One builder per form or family of forms: a dossier (and its steps) → an `OfficialDocument`."""

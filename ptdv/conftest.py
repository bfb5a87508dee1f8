from __future__ import annotations

import pytest

from ptdv.factories import make_tree


@pytest.fixture
def tree(db):
    """A province with communes A and B, each with a grassroots committee and two cells."""
    return make_tree()

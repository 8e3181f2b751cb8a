import pytest

from . import factories


@pytest.fixture
def depts(world):
    factories.departments(world)
    return world

"""The app as a school deploys it: gunicorn, a Celery worker and beat, on PostgreSQL and Redis in CI."""

import pytest

from sconet.tasks import ping
from tests import factories
from tests.fixtures.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def fast_password_hashing():
    """gunicorn checks passwords with the real hashers: keep them."""


def test_staff_log_in_through_gunicorn_and_the_worker_answers(stack_page, production_stack, etablissement):
    factories.vie_scolaire(etablissement, username="viescolaire")

    log_in(stack_page, "viescolaire")

    assert stack_page.get_by_role("navigation", name="Menu principal").is_visible()
    assert stack_page.get_by_text("Collège Victor Hugo").first.is_visible()
    assert ping.delay().get(timeout=60) == "pong"

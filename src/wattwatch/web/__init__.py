"""The analysts' dashboard (`wattwatch serve`): server-rendered pages with JSON twins over the trust layer.

Pages and their rules are described in docs/dashboard.md. Every asset is local (web/static); nothing is fetched
from the network.
"""

from wattwatch.web.app import create_app
from wattwatch.web.state import WebState, open_state

__all__ = ["WebState", "create_app", "open_state"]

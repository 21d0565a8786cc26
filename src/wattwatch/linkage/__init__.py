"""Buyer resolution and sale-to-premises linking: who bought the lamps, and where do they live.

Personal fields (names, addresses, phones) are read only to link; they are never logged and never written out.
"""

from wattwatch.linkage.premises_link import LinkResult, link_sales, load_models, save_links, write_links
from wattwatch.linkage.settings import LinkageSettings

__all__ = ["LinkResult", "LinkageSettings", "link_sales", "load_models", "save_links", "write_links"]

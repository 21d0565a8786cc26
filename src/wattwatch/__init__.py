"""wattwatch: find indoor grows and power theft in meter data and lamp sales, as ranked and explained leads."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wattwatch")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

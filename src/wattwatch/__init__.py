"""wattwatch: find indoor grows and power theft in meter data and lamp sales, as ranked and explained leads."""


def __getattr__(name: str) -> str:
    # __version__ is looked up on first use: importlib.metadata's search of the installed packages costs about 0.08 s
    # in every process that imports wattwatch (the scan's fork server among them), which most never need
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("wattwatch")
        except PackageNotFoundError:  # running from a source tree without installation
            return "0.0.0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

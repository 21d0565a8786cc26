"""Demo city simulator: an Albanian city's meters, feeders and lamp sales with planted grows, thefts and
look-alikes, and the ground truth, for the demo, tests and benchmarks."""

from .city import City, generate_city
from .config import CityConfig
from .write import write_city

__all__ = ["City", "CityConfig", "generate_city", "write_city"]

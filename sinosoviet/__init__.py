"""Soviet intervention in China, 1923–1941: data loading, charts and explorers for the book."""
__version__ = "0.4.0"

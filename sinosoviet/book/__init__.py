"""What only builds, prints, benchmarks and checks the book; users of the datasets, charts and
explorers never need it (it imports Sphinx, myst-nb and Playwright)."""

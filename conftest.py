pytest_plugins = ["jobdating.testing.fixtures"]

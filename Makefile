.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: ## start the embedded system with the demo job dating
	./dev run

test: ## lint, types, AsyncAPI drift and every test (what CI runs)
	./dev test

fmt: ## format the code
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

asyncapi: ## regenerate docs/asyncapi.json from the contracts
	.venv/bin/python -m jobdating.contracts.asyncapi --write docs/asyncapi.json

golden: ## regenerate the golden files after an intended wire change
	JOBDATING_UPDATE_GOLDEN=1 .venv/bin/pytest shared/tests/test_contracts.py -q

bench: ## run the benchmarks (figures go to bench/out/)
	.venv/bin/python -m bench.replay

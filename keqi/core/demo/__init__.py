"""Demo data for `keqi demo`: invented Baodi enterprises and the demo accounts.

- `generator.build_dataset(config)`: the data set as plain values (pure, seeded);
- `load.demo_load(dataset)`: writes it through the registry services (audited);
- `accounts.demo_accounts_ensure()`: the logins listed in README.md.
"""

"""Economics: the equations of each entry mode (market, growth, content, partner,
regulation, finance, events) and the simulation. Imports only models.inputs and helpers."""

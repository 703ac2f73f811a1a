"""The parameter tables, one module per group, each listing its specs in schema order;
:mod:`models.inputs.schema` assembles them. Imports only models.inputs.spec."""

"""Economics: the equations (market, growth, content, partner, regulation, events,
finance, reviews), the entry modes as objects (:mod:`models.economics.modes`, one
module each and one registry), their typed inputs (:mod:`models.economics.terms`) and
the engine's door (:mod:`models.economics.simulation`). Imports only models.inputs and
helpers (docs/design.md, "Layers")."""

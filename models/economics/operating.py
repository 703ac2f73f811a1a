"""An own service's operating months, compiled: one recursion per path (issue 25).

What an own service (solo, partner, a staged entry's switch) does in each month while it
operates, from its event-free base (market, prices, content plan, fixed costs) and its
events (crackdowns, suspensions, a partner's distress). :func:`operate` runs it in two
steps:

1. **The catalogue's draw** (:func:`catalogue_draw`): the approved foreign titles that
   crackdowns left on offer (a recursion over each path's content years,
   :func:`models.economics.kernels.on_offer`); then one pass for the catalogue in
   foreign-title equivalents against the leaders' (:func:`catalogue_ratios`), and its
   draw by numpy's vectorised ``power``
   (:func:`models.economics.market.catalogue_attractiveness`). A service may compute it
   apart and keep it across runs that change only the market.
2. **The months** (:func:`months`), one loop over each path's months composing small
   compiled equations, each one copy: the Bass market potential
   (:func:`models.economics.market.potential`, the payers open to a foreign service at
   its price, drawn by the catalogue);
   :func:`models.economics.kernels.bass_step` (subscribers, gross and first-time adds,
   :mod:`models.economics.growth`); :func:`money` (revenue, suspensions, VAT and
   payment fees, a partner's share, marketing, delivery and a partner's distress); and
   :func:`models.economics.kernels.tax_step` (income tax with losses carried forward).

Why two steps: numpy's vectorised ``power`` and ``exp`` are four to five times faster
on this machine (AVX512) than the libm calls of a compiled loop, so a closed form is
cheaper over the grid, and a recursion cheaper in a loop. A numpy pass per line over
(paths, months) arrays read and wrote memory some thirty times a month; here each
path's month is computed once, and only the lines a run asks for are written
(:class:`Operations`).

Inputs are 2-D float arrays of shape (1 or paths, 1 or months), as
:func:`models.economics.kernels.grid` makes them (:func:`operate` does).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from models._arrays import FloatArray, column
from models.economics import content, kernels, market, partner
from models.economics.kernels import _at, bass_step, grid, tax_step
from models.economics.partner import distress_loss


@njit(inline="always", cache=True)
def to_net(vat, fee):
    """What of a month's billed revenue (VAT included) the streamer nets, and what VAT
    and the payment fees take of it: ``(net, vat_part, fee_part)``, fractions of billed
    revenue, from the ``vat`` rate and the payment ``fee`` rate (of revenue before
    VAT): net = (1 - fee) / (1 + VAT)."""
    billed = 1.0 + vat
    return (1.0 - fee) / billed, vat / billed, fee / billed


@njit(inline="always", cache=True)
def money(subs, adds, first, per_sub, dark, rates, share, cac, winback, delivery, distress, loss):
    """One operating month's money, US$ m, money out negative: ``(gross, suspension
    loss, VAT, payment fees, partner's share, kept, marketing, delivery, distress)``.

    Revenue at ``per_sub`` (US$ per subscriber-month, VAT included; ``subs`` millions),
    less the ``dark`` share of the month (suspended); of what is billed, VAT and payment
    fees take their parts and the streamer nets the rest (``rates``, :func:`to_net`),
    of which a partner takes its ``share`` (the streamer keeps the rest); acquisition in
    months of a subscriber's net revenue (``cac`` for each of the ``first`` first-time
    subscribers, ``winback`` for the others of the gross ``adds``); ``delivery`` per
    subscriber-month, US$; and a partner's ``distress`` (the probability, or 0/1, of its
    first distress in the month), which costs ``loss`` = (months of revenue kept lost,
    migration cost US$ m) (:func:`models.economics.partner.distress_loss`).
    """
    net_part, vat_part, fee_part = rates
    gross = subs * per_sub
    billed = gross * (1.0 - dark)
    net = billed * net_part
    partner_share = net * -share
    kept = net + partner_share
    marketing = -(first * cac + (adds - first) * winback) * (per_sub * net_part)
    served = subs * -delivery
    distressed = -distress_loss(distress, kept, loss[0], loss[1])
    lost = billed - gross
    return (
        gross, lost, billed * -vat_part, billed * -fee_part, partner_share, kept, marketing,
        served, distressed,
    )  # fmt: skip


# fmt: off
@njit(cache=True, nogil=True, error_model="numpy")  # x / 0 is inf, as in numpy
def months(
    users, payers, foreign_share, price, draw, launch,  # the market
    p, q, churn, shock,  # subscribers
    per_sub, dark, vat, fee, share, cac, winback, delivery_per_sub, overhead,  # money
    distress, lost_months, migration, amortisation, content, tax_rate,
    normal_churn, normal_dark, normal_distress,  # the final year, events in expectation
    normal, full, paths, n_months,
):  # pragma: no cover (compiled)
    """Every operating month of every path (see the module docstring).

    Writes (paths, months): the month's cash, its pre-tax cash before content, the
    revenue kept, the income tax and the subscribers (which the reviews watch); with
    ``full``, also the market potential (:func:`models.economics.market.potential`,
    from the users, the payers, the foreign share, the price's multiplier and the
    catalogue's ``draw``), gross and first-time adds, and the lines from gross revenue
    down (:func:`money`: suspension loss, VAT, payment fees, a partner's share,
    marketing, delivery and distress; else those are (1, 1) zeros). The lines from
    gross revenue were numpy passes over the billed revenue after the loop (issue 25).

    With ``normal``, also what replacing the final year's drawn one-off events by their
    expectation adds to that year (2, paths), US$ m: to its cash before overheads,
    content and tax, and to its revenue kept
    (:func:`models.economics.modes.policy.terminal_value`'s ``events_normal``). The
    same service runs beside the drawn one, in the same market, with no subscriber
    losses but churn ``normal_churn``, the expected dark share ``normal_dark`` and the
    expected distress ``normal_distress`` (:func:`models.economics.events.expected`). A
    suspension or a partner's distress is a one-off, not a new normal (issue 20's
    reviews: a three-month suspension in the final year cut the continuing value 45 %).
    """
    # every month of every path is written: np.empty, not zeros
    big = (paths, n_months)
    cash, pre, kept, tax = np.empty(big), np.empty(big), np.empty(big), np.empty(big)
    subs = np.empty(big)
    lines = [np.empty(big) if full else np.zeros((1, 1)) for _ in range(11)]
    mkt, adds, first, gross, lost, vat_out, fees, partner, marketing, delivery, distressed = lines
    normal_year = np.zeros((2, paths if normal else 1))
    final = n_months - min(12, n_months)
    for i in range(paths):
        launch_i = _at(launch, i, 0)
        p_i, q_i, c_i, n_i = _at(p, i, 0), _at(q, i, 0), _at(churn, i, 0), _at(normal_churn, i, 0)
        share_of_payers = _at(foreign_share, i, 0)
        rates, r_i = to_net(_at(vat, i, 0), _at(fee, i, 0)), _at(tax_rate, i, 0)
        share_i, cac_i, win_i = _at(share, i, 0), _at(cac, i, 0), _at(winback, i, 0)
        loss_i = (_at(lost_months, i, 0), _at(migration, i, 0))
        prev, ever, pool, prev_n, ever_n = 0.0, 0.0, 0.0, 0.0, 0.0
        for t in range(n_months):
            m = market.potential(
                _at(users, i, t), _at(payers, i, t), share_of_payers, _at(price, i, t),
                _at(draw, i, t),
            )
            launched = t >= launch_i
            s, a, f = bass_step(prev, ever, m, p_i, q_i, c_i, _at(shock, i, t), launched)
            ever, prev = ever + f, s
            per_sub_t, delivery_t = _at(per_sub, i, t), _at(delivery_per_sub, i, t)
            g, lo, vt, fe, pa, kp, mk, dl, ds = money(
                s, a, f, per_sub_t, _at(dark, i, t), rates, share_i, cac_i, win_i, delivery_t,
                _at(distress, i, t), loss_i,
            )
            pre_tax = kp + mk + dl + _at(overhead, i, t) + ds
            x, pool = tax_step(pre_tax - _at(amortisation, i, t), pool, r_i)
            cash[i, t] = pre_tax + _at(content, i, t) - x
            pre[i, t], kept[i, t], tax[i, t], subs[i, t] = pre_tax, kp, x, s
            if full:
                mkt[i, t], adds[i, t], first[i, t] = m, a, f
                gross[i, t], lost[i, t], vat_out[i, t], fees[i, t] = g, lo, vt, fe
                partner[i, t], marketing[i, t], delivery[i, t], distressed[i, t] = pa, mk, dl, ds
            if normal:
                s_n, a_n, f_n = bass_step(prev_n, ever_n, m, p_i, q_i, n_i, 0.0, launched)
                ever_n, prev_n = ever_n + f_n, s_n
                if t >= final:
                    _, _, _, _, _, kp_n, mk_n, dl_n, ds_n = money(
                        s_n, a_n, f_n, per_sub_t, _at(normal_dark, i, t), rates, share_i,
                        cac_i, win_i, delivery_t, _at(normal_distress, i, t), loss_i,
                    )
                    normal_year[0, i] += (kp_n + mk_n + dl_n + ds_n) - (kp + mk + dl + ds)
                    normal_year[1, i] += kp_n - kp
    return (
        cash, pre, kept, tax, subs, mkt, adds, first, gross, lost, vat_out, fees, partner,
        marketing, delivery, distressed, normal_year,
    )
# fmt: on

# the loop inlines equations from these modules: an edit of one must compile it afresh
kernels.cache_keyed_on(months, kernels, market, partner)


#: The lines :func:`months` writes, in order (then the final year's ``normal``).
LINES = (
    "cash", "pre_tax", "kept", "tax", "subscribers", "market", "adds", "first_adds", "gross",
    "suspension_loss", "vat", "payment_fees", "partner_share", "marketing", "delivery",
    "distress",
)  # fmt: skip


@dataclass(frozen=True)
class Operations:
    """What :func:`months` wrote: (paths, months) lines, US$ m (money out negative), and
    the market and subscribers, millions (those not asked for: (1, 1) zeros).

    ``normal`` is ``(cash, revenue)``, per path, US$ m: what the final year's events in
    expectation add to it (None when not asked for).
    """

    cash: FloatArray
    pre_tax: FloatArray
    kept: FloatArray
    tax: FloatArray
    market: FloatArray
    subscribers: FloatArray
    adds: FloatArray
    first_adds: FloatArray
    gross: FloatArray
    suspension_loss: FloatArray
    vat: FloatArray
    payment_fees: FloatArray
    partner_share: FloatArray
    marketing: FloatArray
    delivery: FloatArray
    distress: FloatArray
    normal: tuple[FloatArray, FloatArray] | None


#: The inputs of :func:`operate`, each as a grid of (rows, columns): per path and month
#: ("pm"), per path ("p"), or as given ("years": the content plan's approved titles per
#: content year, (1 or paths, years)). Those of :data:`MARKET` make the market
#: potential: the catalogue's draw before the loop, then the market in :func:`months`,
#: which takes the users, payers, foreign share and price first, then the draw, then
#: the others in this order.
INPUTS = {
    **dict.fromkeys(("approved",), "years"),
    **dict.fromkeys(("window", "launch"), "p"),
    **dict.fromkeys(("log_kept", "log_lasting", "domestic", "originals"), "pm"),
    **dict.fromkeys(("w_domestic", "w_original"), "p"),
    **dict.fromkeys(("reference",), "pm"),
    **dict.fromkeys(("elasticity",), "p"),
    **dict.fromkeys(("users", "payers"), "pm"),
    **dict.fromkeys(("foreign_share",), "p"),
    **dict.fromkeys(("price",), "pm"),
    **dict.fromkeys(("p", "q", "churn"), "p"),
    **dict.fromkeys(("shock", "per_sub", "dark"), "pm"),
    **dict.fromkeys(("vat", "fee", "share", "cac", "winback"), "p"),
    **dict.fromkeys(("delivery_per_sub", "overhead", "distress"), "pm"),
    **dict.fromkeys(("lost_months", "migration"), "p"),
    **dict.fromkeys(("amortisation", "content"), "pm"),
    **dict.fromkeys(("tax_rate", "normal_churn"), "p"),
    **dict.fromkeys(("normal_dark", "normal_distress"), "pm"),
}


#: The inputs of the market potential: the catalogue's draw (:func:`catalogue_draw`,
#: computed in numpy before the loop), then the market it draws
#: (:func:`models.economics.market.potential`, in :func:`months`).
MARKET = (
    "approved", "window", "log_kept", "log_lasting", "domestic", "originals", "w_domestic",
    "w_original", "reference", "elasticity", "users", "payers", "foreign_share", "price",
)  # fmt: skip

#: Of them, the inputs of the catalogue's draw (:func:`catalogue_draw`), with ``launch``:
#: what the content plan and the crackdowns make of the catalogue, whatever the market.
CATALOGUE = (
    "approved", "window", "launch", "log_kept", "log_lasting", "domestic", "originals",
    "w_domestic", "w_original", "reference", "elasticity",
)  # fmt: skip


@njit(cache=True, nogil=True, error_model="numpy")  # x / 0 is inf, as in numpy
def catalogue_ratios(
    foreign, domestic, originals, w_domestic, w_original, reference, rows, n_months
):  # pragma: no cover (compiled)
    """The catalogue against the leaders' in every month, (rows, months): the foreign
    titles on offer, domestic titles and originals in foreign-title equivalents
    (:func:`models.economics.content.title_equivalents`) per reference title
    (:func:`models.economics.market.catalogue_ratio`). One pass, where numpy's took
    five and their temporaries (issue 25)."""
    out = np.empty((rows, n_months))
    for i in range(rows):
        w_d, w_o = _at(w_domestic, i, 0), _at(w_original, i, 0)
        for t in range(n_months):
            titles = content.title_equivalents(
                _at(foreign, i, t), _at(domestic, i, t), _at(originals, i, t), w_d, w_o
            )
            out[i, t] = market.catalogue_ratio(titles, _at(reference, i, t))
    return out


# the pass inlines equations from these modules: an edit of one must compile it afresh
kernels.cache_keyed_on(catalogue_ratios, kernels, content, market)


def _draw(paths: int, n_months: int, grids: dict) -> FloatArray:
    g = grids
    years = ("approved", "window", "launch", "log_kept", "log_lasting")
    on_offer_rows = max(g[k].shape[0] for k in years)
    foreign = kernels.on_offer(
        g["approved"], g["window"], g["launch"], g["log_kept"], g["log_lasting"],
        on_offer_rows, n_months,
    )  # fmt: skip
    monthly = ("domestic", "originals", "w_domestic", "w_original", "reference", "elasticity")
    rows = max(on_offer_rows, *(g[k].shape[0] for k in monthly))
    ratio = catalogue_ratios(
        foreign, g["domestic"], g["originals"], g["w_domestic"], g["w_original"], g["reference"],
        rows, n_months,
    )  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -e is inf, as before
        return market.catalogue_attractiveness(ratio, g["elasticity"], out=ratio)


def catalogue_draw(paths: int, n_months: int, **arrays) -> FloatArray:
    """The draw of the service's catalogue against the leaders', a demand multiplier,
    (1 or paths, months), from the inputs of :data:`CATALOGUE` (as :func:`operate`
    takes them): the approved foreign titles crackdowns left on offer (a recursion over
    each path's content years, compiled: :func:`models.economics.kernels.on_offer`),
    then the catalogue against the leaders' in one compiled pass
    (:func:`catalogue_ratios`) and its draw in numpy
    (:func:`models.economics.market.catalogue_attractiveness`).

    Apart from the market it draws (in :func:`months`), so that a service can keep it
    across runs that change only the market or the prices
    (:meth:`models.economics.modes.service.OwnService.catalogue_draw`).

    numpy's vectorised ``power`` costs 2.6 ns an element on this machine against 11 ns
    for the libm call of a compiled loop: the month's ``pow`` of the catalogue's draw
    cost the loop a third of its time (issue 25).

    Raises
    ------
    ValueError
        As :func:`operate`, naming ``catalogue_draw``.
    """
    return _draw(paths, n_months, _grids(paths, n_months, arrays, CATALOGUE, "catalogue_draw"))


def _grids(paths: int, n_months: int, arrays: dict, names, caller: str = "operate") -> dict:
    """``arrays`` of ``names`` as the grids of :data:`INPUTS` (see :func:`operate`); an
    error names the ``caller``."""
    missing = sorted(set(names) - set(arrays))
    extra = sorted(set(arrays) - set(names))
    if missing or extra:
        raise ValueError(f"{caller}: missing inputs {missing}, unknown inputs {extra}")
    grids = {}
    for name in names:
        kind, x = INPUTS[name], arrays[name]
        if kind == "years":
            a = kernels.frozen(x)
            if a.ndim != 2 or a.shape[0] not in (1, paths) or a.shape[1] < 1:
                raise ValueError(
                    f"{caller}: {name} of shape {np.shape(x)}: expected (1 or {paths}, years)"
                )
        else:
            a = grid(column(x) if np.ndim(x) < 2 else x, paths, n_months if kind == "pm" else 1)
        if name == "launch" and not np.all(np.isfinite(a)):
            raise ValueError(f"{caller}: launch month {a.ravel()[:3]}...: expected finite months")
        grids[name] = a
    return grids


def operate(
    paths: int, n_months: int, *, full: bool, normal: bool, draw: FloatArray | None = None, **arrays
) -> Operations:
    """Run :func:`months` on ``arrays`` (every name of :data:`INPUTS`: scalars, per-path
    columns or (1 or paths, 1 or months) arrays, broadcast views included), in the
    market of :func:`models.economics.market.potential`; with the catalogue's ``draw`` given
    (:func:`catalogue_draw`), without the inputs only it reads (:data:`CATALOGUE` but
    ``launch``).

    Raises
    ------
    ValueError
        If an input is missing or unknown, of a shape that does not broadcast to its
        grid (the kernel does not check bounds), or a launch month is not finite.
    """
    names = [k for k in INPUTS if draw is None or k == "launch" or k not in CATALOGUE]
    grids = _grids(paths, n_months, arrays, names)
    if draw is None:
        draw = _draw(paths, n_months, grids)
    market_in = [grids[k] for k in ("users", "payers", "foreign_share", "price")]
    args = market_in + [grid(draw, paths, n_months)] + [grids[k] for k in INPUTS if k not in MARKET]
    out = months(*args, normal, full, paths, n_months)
    lines = dict(zip(LINES, out[:-1], strict=True))
    return Operations(
        **lines,
        normal=(out[-1][0], out[-1][1]) if normal else None,
    )

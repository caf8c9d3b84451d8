"""geostance's library: the stance of one political actor toward another in news text.

The modules at this level are the data path, in the order a text goes down it: cleaning and sentences
(``text``, ``sentences``), inputs (``articles``, ``reading``), actors (``actors``, ``actor_sources``,
``cameo``, ``roles``), examples (``document``, ``examples``), features (``tokens``, ``features``), the model
(``pipeline``, ``scorer``, ``artifact``, ``model``) and prediction (``dyads``, ``explain``,
``feature_spans``, ``predict``), with ``limits`` for the caps, ``csvcells`` for CSV read record by record
and written safe from spreadsheet formulas, and ``lifeline`` for pool workers that exit with their parent.
Three packages build on it:

- :mod:`training.fitting`: training and evaluating a model;
- :mod:`training.archive`: coding a news archive into a dyad table, and its time series;
- :mod:`training.annotation`: labelling your own news.

``fit``, ``evaluate``, ``annotate`` and ``series`` here are the commands (``python -m training.fit``, ...);
``python -m training.predict`` codes an archive. Nothing is exported from this package itself: import
each module by its path (``from training.predict import StancePredictor``).
"""

__all__: list[str] = []

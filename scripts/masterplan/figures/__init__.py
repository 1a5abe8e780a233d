"""Stage 4, figures: every number the site, the open data and the print edition show
(budgets, matrices, capaian, serapan), each computed once, here."""

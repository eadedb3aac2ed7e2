# Reference outputs for dashboards/trend-classify.ts: the binomial GLM of CDC's Rnssp
# classify_trend (glm(cbind(data_count, all_count - data_count) ~ t, family = "binomial")
# over the last B = 12 days, fitted only when the window holds more than 10 counts; p < 0.01
# with a positive/negative z statistic → increase/decrease). Written with base R's glm, which
# is what Rnssp calls; run: Rscript scripts/reference/trend-classify.R > test/fixtures/trend/rnssp-glm.json
set.seed(20261202)
B <- 12
cases <- list()
add <- function(name, y, n) {
  w <- tail(seq_along(y), B)
  yy <- y[w]; nn <- n[w]; t <- seq_along(w) - 1
  res <- list(name = name, counts = y, visits = n)
  if (sum(yy) > 10) {
    fit <- suppressWarnings(glm(cbind(yy, nn - yy) ~ t, family = "binomial"))
    co <- summary(fit)$coefficients
    res$slope <- unname(co["t", "Estimate"])
    res$statistic <- unname(co["t", "z value"])
    res$p_value <- unname(co["t", "Pr(>|z|)"])
    res$converged <- fit$converged
    res$classification <- if (res$p_value < 0.01 && res$statistic > 0) "increasing" else if (res$p_value < 0.01 && res$statistic < 0) "decreasing" else "stable"
  } else {
    res$classification <- NULL
    res$insufficient <- TRUE
  }
  cases[[length(cases) + 1]] <<- res
}
days <- 28
for (i in 1:12) {
  n <- rpois(days, sample(c(40, 150, 600), 1))
  p0 <- runif(1, 0.01, 0.12)
  slope <- sample(c(-0.06, -0.02, 0, 0, 0.02, 0.06, 0.1), 1)
  p <- plogis(qlogis(p0) + slope * (seq_len(days) - days))
  add(sprintf("random %d: p0 %.3f, slope %.2f/day", i, p0, slope), rbinom(days, n, p), n)
}
add("flat 5% of 200", rep(10, days), rep(200, days))
add("rising 2% to 8% of 200", round(200 * (0.02 + 0.06 * (0:(days - 1)) / (days - 1))), rep(200, days))
add("falling 8% to 2% of 200", round(200 * (0.08 - 0.06 * (0:(days - 1)) / (days - 1))), rep(200, days))
add("ten counts in the window: insufficient", c(rep(5, 16), rep(c(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0), 1)), rep(100, days))
add("eleven counts in the window: fitted", c(rep(5, 16), c(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)), rep(100, days))
add("days without visits inside the window", c(rep(4, 16), c(3, 0, 4, 0, 5, 6, 0, 7, 8, 9, 0, 12)), c(rep(100, 16), c(100, 0, 100, 0, 100, 100, 0, 100, 100, 100, 0, 100)))
add("a spike on the last day", c(rep(3, 27), 30), rep(120, days))
add("small counts", c(rep(1, 16), c(0, 2, 1, 3, 0, 1, 2, 4, 1, 3, 2, 5)), rep(30, days))
cat(jsonlite_free <- "", sep = "")
# JSON by hand (no jsonlite needed): numbers with 17 significant digits.
num <- function(x) trimws(formatC(x, digits = 17, format = "g"))
vec <- function(v) paste0("[", paste(num(v), collapse = ","), "]")
out <- vapply(cases, function(c) {
  fields <- c(
    sprintf('"name":"%s"', c$name),
    sprintf('"counts":%s', vec(c$counts)),
    sprintf('"visits":%s', vec(c$visits))
  )
  if (isTRUE(c$insufficient)) {
    fields <- c(fields, '"classification":null')
  } else {
    fields <- c(fields, sprintf('"slope":%s', num(c$slope)), sprintf('"statistic":%s', num(c$statistic)),
      sprintf('"p_value":%s', num(c$p_value)), sprintf('"converged":%s', tolower(c$converged)),
      sprintf('"classification":"%s"', c$classification))
  }
  paste0("{", paste(fields, collapse = ","), "}")
}, "")
cat(sprintf('{"source":"R %s, stats::glm binomial (Rnssp classify_trend, B = %d)","window":%d,"cases":[\n%s\n]}\n',
  paste(R.version$major, R.version$minor, sep = "."), B, B, paste(out, collapse = ",\n")))

#!/usr/bin/env Rscript
# Reference outputs for the ESSENCE daily detectors in processors/detect/algorithms (essence-*.ts).
#
#   Rscript scripts/reference/make-essence-cases.R [outDir]   (default test/fixtures/essence)
#
# CDC's Rnssp package is not packaged for Debian, so this script restates the formulas of
# Rnssp 0.3.0's adaptive_regression / ewma_loop / alert_switch with base R only (lm.fit,
# qt, pt, mean, sd, weekdays from format(date, "%u")). The one deliberate difference: the
# EWMA's longest baseline is B (Rnssp 0.3.0 hard-codes 28, the default B). Seeded.

suppressPackageStartupMessages(library(jsonlite))
args <- commandArgs(trailingOnly = TRUE)
outDir <- if (length(args) >= 1) args[1] else "test/fixtures/essence"
dir.create(outDir, recursive = TRUE, showWarnings = FALSE)
suppressWarnings(RNGversion("4.2.0"))
set.seed(20251126)

min_baseline <- 11

regression_days <- function(y, dates, B, g) {
  N <- length(y)
  ucl_warning <- round(qt(1 - 0.05, df = 1:(B - 3)), 5)
  min_sigma <- 1.01 / ucl_warning
  dow <- as.numeric(format(dates, "%u"))
  out <- data.frame(expected = rep(NA, N), statistic = NA, p = NA, r2adj = NA)
  for (i in (min_baseline + g + 1):N) {
    L <- min(i - g - 1, B)
    idx <- (i - g - L):(i - g - 1)
    X <- cbind(1, seq_len(L), sapply(1:6, function(d) as.numeric(dow[idx] == d)))
    fit <- lm.fit(X, y[idx])
    n_df <- L - 8
    res <- fit$residuals
    mse <- sum(res^2) / n_df
    fv <- fit$fitted.values
    mss <- sum((fv - mean(fv))^2)
    rss <- sum(res^2)
    r2 <- mss / (rss + mss)
    r2adj <- 1 - (1 - r2) * ((L - 1) / fit$df.residual)
    out$r2adj[i] <- if (is.nan(r2adj)) 0 else r2adj
    sigma <- max(sqrt(mse) * sqrt(((L + 7) * (L - 4)) / (L * (L - 7))), min_sigma[n_df])
    beta <- fit$coefficients
    test <- L + g + 1
    out$expected[i] <- if (dow[i] < 7) max(0, beta[1] + test * beta[2] + beta[dow[i] + 2]) else max(0, beta[1] + test * beta[2])
    out$statistic[i] <- (y[i] - out$expected[i]) / sigma
    out$p[i] <- pt(out$statistic[i], df = n_df, lower.tail = FALSE)
  }
  out
}

ewma_days <- function(y, B, g, w1, w2) {
  N <- length(y)
  out <- data.frame(expected = rep(NA, N), statistic = NA, p = NA)
  z <- c(y[1], y[1])
  w <- c(w1, w2)
  for (i in 2:(min_baseline + g)) z <- w * y[i] + (1 - w) * z
  for (i in (min_baseline + g + 1):N) {
    L <- min(i - g - 1, B)
    base <- y[(i - g - L):(i - g - 1)]
    n_df <- L - 1
    mu <- mean(base)
    s <- sd(base)
    ucl_alert <- round(qt(0.99, df = n_df), 5)
    ucl_warning <- round(qt(0.95, df = n_df), 5)
    corr <- sqrt((w / (2 - w)) + (1 / L) - 2 * (1 - w)^(g + 1) * ((1 - (1 - w)^L) / L))
    min_sigma <- (w / ucl_warning) * (1 + 0.5 * (1 - w)^2)
    constant <- (0.1289 - (0.2414 - 0.1826 * (1 - w)^4) * log(10 * 0.05)) * (w / ucl_warning)
    sigma <- pmax(min_sigma, s * corr + constant)
    z <- w * y[i] + (1 - w) * z
    stat <- (z - mu) / sigma
    clamp <- abs(stat) > ucl_alert
    z[clamp] <- mu + sign(stat[clamp]) * ucl_alert * sigma[clamp]
    p <- pt(stat, df = n_df, lower.tail = FALSE)
    k <- if (p[1] < p[2]) 1 else 2
    out$expected[i] <- mu
    out$statistic[i] <- stat[k]
    out$p[i] <- p[k]
  }
  out
}

level <- function(p) ifelse(is.na(p), NA, ifelse(p < 0.01, "red", ifelse(p < 0.05, "yellow", "blue")))

writeCase <- function(name, detector, y, start, B = 28, g = 2, w1 = 0.4, w2 = 0.9) {
  dates <- seq.Date(as.Date(start), by = 1, length.out = length(y))
  first <- min_baseline + g + 1
  keep <- first:length(y)
  reg <- regression_days(y, dates, B, g)
  ew <- ewma_days(y, B, g, w1, w2)
  res <- switch(detector,
    regression = cbind(reg, detector = "regression"),
    ewma = cbind(ew, r2adj = NA, detector = "ewma"),
    switch = {
      useReg <- !is.na(reg$r2adj) & reg$r2adj >= 0.60
      data.frame(expected = ifelse(useReg, reg$expected, ew$expected),
                 statistic = ifelse(useReg, reg$statistic, ew$statistic),
                 p = ifelse(useReg, reg$p, ew$p), r2adj = reg$r2adj,
                 detector = ifelse(useReg, "regression", "ewma"))
    })
  res <- res[keep, ]
  case <- list(name = name, detector = detector, startDate = start,
               startWeekday = as.numeric(format(dates[1], "%u")), B = B, g = g, w1 = w1, w2 = w2,
               observed = y,
               expected = list(index = keep - 1, expected = res$expected, statistic = res$statistic,
                               pValue = res$p, level = level(res$p), detector = res$detector,
                               adjustedR2 = if (detector == "ewma") NULL else res$r2adj),
               source = paste("R", getRversion(), "base formulas of Rnssp 0.3.0 (scripts/reference/make-essence-cases.R)"))
  json <- toJSON(case, auto_unbox = TRUE, na = "null", digits = NA, null = "null")
  writeLines(json, file.path(outDir, paste0(name, ".json")))
  message(sprintf("%-36s red %3d yellow %3d  regression days %d", name, sum(level(res$p) == "red", na.rm = TRUE),
                  sum(level(res$p) == "yellow", na.rm = TRUE), sum(res$detector == "regression")))
}

# Synthetic daily series: strong weekday pattern (regression territory), sparse counts
# (EWMA territory), a trend with a weekly cycle, an outbreak, mostly zeros, a flat stretch.
n <- 180
d <- seq_len(n)
weekday <- rep(c(1.25, 1.15, 1.1, 1.05, 1.0, 0.6, 0.5), length.out = n)
bump <- function(at, len, size) { x <- numeric(n); x[at:(at + len - 1)] <- rpois(len, size); x }
series <- list(
  weekly = rpois(n, 60 * weekday * (1 + 0.2 * sin(2 * pi * d / 365))) + bump(150, 5, 30),
  sparse = rpois(n, 1.2) + bump(140, 4, 4),
  trend = rpois(n, (20 + 0.15 * d) * weekday) + bump(160, 3, 25),
  zeros = rbinom(n, 1, 0.05) + bump(170, 3, 2),
  flat = c(rep(5, 60), rpois(n - 60, 5)) + bump(150, 4, 10),
  noisy = rnbinom(n, mu = 15, size = 3)
)
starts <- c(weekly = "2024-01-01", sparse = "2024-03-06", trend = "2023-07-15", zeros = "2024-02-29",
            flat = "2024-06-02", noisy = "2024-10-10")
for (s in names(series)) {
  for (det in c("regression", "ewma", "switch")) writeCase(paste(det, s, sep = "-"), det, series[[s]], starts[[s]])
}
writeCase("switch-weekly-B21-g1", "switch", series$weekly, starts[["weekly"]], B = 21, g = 1)
writeCase("regression-trend-B35-g3", "regression", series$trend, starts[["trend"]], B = 35, g = 3)
writeCase("ewma-noisy-w03-w08-B14", "ewma", series$noisy, starts[["noisy"]], B = 14, g = 0, w1 = 0.3, w2 = 0.8)

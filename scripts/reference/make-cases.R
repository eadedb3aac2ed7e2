#!/usr/bin/env Rscript
# Generates reference cases for the detectors in processors/detect/algorithms from R's `surveillance`
# package, in the format of shared/reference/README.md (one JSON file per case).
#
#   Rscript scripts/reference/make-cases.R [outDir]     (default test/fixtures/surveillance)
#
# Every case goes to outDir and the tests require each one to match. Every series is
# built as sts(observed, start = c(2000, 1), frequency), so reference periods follow from
# index arithmetic. Seeded: rerunning on the same R and package versions gives the same files.
# Extension of the format: `population` (a vector like `observed`) when populationOffset is used.

suppressPackageStartupMessages({
  library(surveillance)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
outDir <- if (length(args) >= 1) args[1] else "test/fixtures/surveillance"
dir.create(outDir, recursive = TRUE, showWarnings = FALSE)
suppressWarnings(RNGversion("4.2.0"))
set.seed(20251125)
source <- paste("R surveillance", packageVersion("surveillance"), "(scripts/reference/make-cases.R)")

makeSts <- function(observed, frequency, population = NULL) {
  if (is.null(population)) return(sts(observed, start = c(2000, 1), frequency = frequency))
  sts(observed, start = c(2000, 1), frequency = frequency, population = matrix(population, ncol = 1))
}

# Runs `fun` (an sts method taking control$range) and writes the case; returns invisibly.
writeCase <- function(dir, name, algorithm, fun, frequency, observed, range, control, population = NULL) {
  stsObj <- makeSts(observed, frequency, population)
  result <- tryCatch(
    suppressWarnings(fun(stsObj, control = c(control, list(range = range[1]:range[2])))),
    error = function(e) { message("skipped ", name, ": ", conditionMessage(e)); NULL })
  if (is.null(result)) return(invisible(NULL))
  case <- list(name = name, algorithm = algorithm, frequency = frequency, observed = observed)
  if (!is.null(population)) case$population <- population
  case$range <- range
  case$control <- control
  case$expected <- list(upperbound = as.vector(upperbound(result)), alarm = as.vector(alarms(result)))
  case$source <- source
  json <- toJSON(case, auto_unbox = TRUE, na = "null", digits = NA)
  writeLines(json, file.path(dir, paste0(name, ".json")))
  message(sprintf("%-45s %5.1f KB  alarms %d  NA %d", name, nchar(json) / 1024,
                  sum(case$expected$alarm, na.rm = TRUE), sum(is.na(case$expected$upperbound))))
  invisible(case)
}

# Adds Poisson outbreaks of `len` time points with mean `size` per point at each start.
outbreaks <- function(n, starts, len, size) {
  x <- numeric(n)
  for (s in starts) x[s:(s + len - 1)] <- x[s:(s + len - 1)] + rpois(len, size)
  x
}

# ---- earsC: synthetic daily series ---------------------------------------------------
nDays <- 250
d <- seq_len(nDays)
daily <- list(
  moderate = rpois(nDays, 6 * (1 + 0.3 * sin(2 * pi * d / 365)) * ifelse(d %% 7 %in% c(0, 6), 0.6, 1.1)) +
    outbreaks(nDays, c(120, 210), 6, 8),
  sparse = rpois(nDays, 0.4) + outbreaks(nDays, 180, 5, 3),
  zeros = rbinom(nDays, 1, 0.04) + outbreaks(nDays, 200, 3, 2),
  high = rnbinom(nDays, mu = 45, size = 8) + outbreaks(nDays, 230, 7, 40)
)
# No alpha in b7: R then uses its per-method default (0.001 for C1/C2, 0.025 for C3).
earsSettings <- list(
  b7 = list(baseline = 7),
  b5a01 = list(baseline = 5, alpha = 0.01),
  b14a05ms05 = list(baseline = 14, alpha = 0.05, minSigma = 0.5),
  b3ms1 = list(baseline = 3, alpha = 0.001, minSigma = 1)
)
i <- 0
for (series in names(daily)) {
  for (method in c("C1", "C2", "C3")) {
    # Two settings per (series, method), rotating so every setting meets every method.
    for (tag in names(earsSettings)[(c(0, 2) + i) %% 4 + 1]) {
      control <- c(list(method = method), earsSettings[[tag]])
      from <- control$baseline + 5 + 1
      writeCase(outDir, paste("ears", method, series, tag, sep = "-"), "earsC", earsC, 365,
                daily[[series]], c(from, nDays), control)
    }
    i <- i + 1
  }
}

# ---- farringtonFlexible: synthetic weekly series and package data ------------------------
nWeeks <- 364
w <- seq_len(nWeeks)
weekly <- list(
  seasonal = rnbinom(nWeeks, mu = exp(1.6 + 0.5 * sin(2 * pi * w / 52) + 0.3 * cos(2 * pi * w / 52)), size = 4) +
    outbreaks(nWeeks, c(300, 340), 4, 6),
  trend = rpois(nWeeks, exp(1.2 + 0.004 * w + 0.4 * sin(2 * pi * w / 52))) + outbreaks(nWeeks, 320, 3, 10),
  sparse = rpois(nWeeks, exp(-0.6 + 0.9 * sin(2 * pi * w / 52))) + outbreaks(nWeeks, 310, 3, 3),
  high = rnbinom(nWeeks, mu = 80 * exp(0.3 * sin(2 * pi * w / 52)), size = 15) + outbreaks(nWeeks, 330, 5, 60)
)
ff <- function(b, w, noPeriods, thresholdMethod, ...) {
  modifyList(list(b = b, w = w, reweight = TRUE, weightsThreshold = 2.58, alpha = 0.05, trend = TRUE,
                  pThresholdTrend = 0.05, limit54 = c(5, 4), powertrans = "2/3", noPeriods = noPeriods,
                  thresholdMethod = thresholdMethod), list(...))
}
ffSettings <- list(
  f1996 = ff(3, 3, 1, "delta", weightsThreshold = 1, pastWeeksNotIncluded = 3),
  noufaily = ff(5, 3, 10, "nbPlugin", pastWeeksNotIncluded = 26),
  muan = ff(4, 2, 5, "muan", pastWeeksNotIncluded = 8, alpha = 0.01),
  sqrt = ff(4, 2, 1, "delta", powertrans = "1/2", reweight = FALSE, limit54 = c(0, 4), pastWeeksNotIncluded = 2),
  none = ff(3, 1, 1, "delta", powertrans = "none", trend = FALSE, limit54 = c(3, 2), alpha = 0.1,
            pastWeeksNotIncluded = 1),
  b2 = ff(2, 3, 1, "delta", pastWeeksNotIncluded = 0, pThresholdTrend = 0.5),
  p4 = ff(3, 3, 4, "nbPlugin", pThresholdTrend = 1, pastWeeksNotIncluded = 10, weightsThreshold = 1.5)
)
ffRange <- function(control, n, last = 80) c(max(control$b * 52 + control$w + 1, n - last + 1), n)
for (series in names(weekly)) {
  for (tag in names(ffSettings)) {
    control <- ffSettings[[tag]]
    writeCase(outDir, paste("ff", tag, series, sep = "-"), "farringtonFlexible", farringtonFlexible, 52,
              weekly[[series]], ffRange(control, nWeeks), control)
  }
}

# Default pastWeeksNotIncluded (NULL: R uses w), population offset, a daily series.
writeCase(outDir, "ff-default-pwni-seasonal", "farringtonFlexible", farringtonFlexible, 52, weekly$seasonal,
          c(300, nWeeks), ff(3, 3, 1, "delta"))
population <- round(1e5 * (1 + 0.003 * w))
writeCase(outDir, "ff-population-trend", "farringtonFlexible", farringtonFlexible, 52, weekly$trend,
          c(300, nWeeks), ff(3, 3, 1, "delta", populationOffset = TRUE, pastWeeksNotIncluded = 3),
          population = population)
dd <- seq_len(800)
dailyFF <- rpois(800, 8 * (1 + 0.4 * sin(2 * pi * dd / 365))) + outbreaks(800, 770, 4, 12)
writeCase(outDir, "ff-daily-b2-p1", "farringtonFlexible", farringtonFlexible, 365, dailyFF, c(750, 800),
          ff(2, 3, 1, "delta", pastWeeksNotIncluded = 3))
writeCase(outDir, "ff-daily-b2-p10", "farringtonFlexible", farringtonFlexible, 365, dailyFF, c(750, 800),
          ff(2, 3, 10, "nbPlugin", pastWeeksNotIncluded = 7))

data("salmNewport", "salmHospitalized", "measlesDE", package = "surveillance")
salmTotal <- as.vector(rowSums(observed(salmNewport)))
writeCase(outDir, "ff-muan-salmNewport-total", "farringtonFlexible", farringtonFlexible, 52, salmTotal,
          c(450, 528), ffSettings$muan)
writeCase(outDir, "ff-sqrt-salmHospitalized", "farringtonFlexible", farringtonFlexible, 52,
          as.vector(observed(salmHospitalized)), c(450, 530), ffSettings$sqrt)
measles <- as.vector(rowSums(observed(measlesDE)))
writeCase(outDir, "ff-none-measlesDE-total", "farringtonFlexible", farringtonFlexible, 52, measles,
          c(110, 156), ff(2, 1, 1, "delta", powertrans = "none", alpha = 0.01, pastWeeksNotIncluded = 1))

# ---- glrnb and cusum ---------------------------------------------------------------------
# (These eight were written to outDir/later before the detectors existed; same names.)
laterDir <- outDir
seasonal <- weekly$seasonal
glrRange <- c(261, nWeeks)
mu0 <- exp(1.6 + 0.5 * sin(2 * pi * (glrRange[1]:glrRange[2]) / 52) + 0.3 * cos(2 * pi * (glrRange[1]:glrRange[2]) / 52))
writeCase(laterDir, "glrnb-poisson-mu0-value", "glrnb", glrnb, 52, seasonal, glrRange,
          list(c.ARL = 5, mu0 = mu0, alpha = 0, Mtilde = 1, M = -1, change = "intercept", dir = "inc", ret = "value"))
writeCase(laterDir, "glrnb-nb-mu0-cases", "glrnb", glrnb, 52, seasonal, glrRange,
          list(c.ARL = 4, mu0 = mu0, alpha = 0.25, Mtilde = 1, M = -1, change = "intercept", dir = "inc", ret = "cases"))
writeCase(laterDir, "glrnb-poisson-estimated-mu0", "glrnb", glrnb, 52, seasonal, glrRange,
          list(c.ARL = 5, alpha = 0, Mtilde = 1, M = -1, change = "intercept", dir = "inc", ret = "value"))
writeCase(laterDir, "glrnb-poisson-epi-M20", "glrnb", glrnb, 52, seasonal, glrRange,
          list(c.ARL = 5, mu0 = mu0, alpha = 0, Mtilde = 1, M = 20, change = "epi", dir = "inc", ret = "value"))
cusumRange <- c(261, nWeeks)
writeCase(laterDir, "cusum-standard-mean", "cusum", cusum, 52, seasonal, cusumRange,
          list(k = 1.04, h = 2.26, trans = "standard"))
writeCase(laterDir, "cusum-anscombe-m4", "cusum", cusum, 52, seasonal, cusumRange,
          list(k = 1.04, h = 2.26, m = 4, trans = "anscombe"))
writeCase(laterDir, "cusum-rossi-glm", "cusum", cusum, 52, seasonal, cusumRange,
          list(k = 1.5, h = 3, m = "glm", trans = "rossi"))
writeCase(laterDir, "cusum-pearsonNegBin-daily", "cusum", cusum, 365, daily$moderate, c(100, nDays),
          list(k = 1, h = 4, trans = "pearsonNegBin", alpha = 0.2))

# ---- more glrnb and cusum cases (appended so the random draws above stay the same) -------
glr <- function(...) modifyList(list(c.ARL = 5, Mtilde = 1, M = -1, change = "intercept", dir = "inc",
                                     ret = "value"), list(...))
writeCase(outDir, "glrnb-nb-estimated-alpha", "glrnb", glrnb, 52, seasonal, glrRange, glr(c.ARL = 4))
writeCase(outDir, "glrnb-nb-S2-trend-refit", "glrnb", glrnb, 52, weekly$trend, c(209, nWeeks),
          glr(mu0 = list(S = 2, trend = TRUE, refit = TRUE), alpha = 0.2, c.ARL = 3))
writeCase(outDir, "glrnb-poisson-S2-estimated-cases", "glrnb", glrnb, 52, weekly$trend, c(261, nWeeks),
          glr(mu0 = list(S = 2, trend = FALSE), alpha = 0, ret = "cases"))
writeCase(outDir, "glrnb-poisson-dec-cases", "glrnb", glrnb, 52, seasonal, glrRange,
          glr(mu0 = 1.6 * mu0, alpha = 0, dir = "dec", ret = "cases", c.ARL = 3))
writeCase(outDir, "glrnb-nb-dec-value", "glrnb", glrnb, 52, seasonal, glrRange,
          glr(mu0 = 1.6 * mu0, alpha = 0.1, dir = "dec", c.ARL = 2))
writeCase(outDir, "glrnb-poisson-theta-cases", "glrnb", glrnb, 52, seasonal, glrRange,
          glr(mu0 = mu0, alpha = 0, theta = 0.4, ret = "cases", c.ARL = 4))
writeCase(outDir, "glrnb-nb-theta-value", "glrnb", glrnb, 52, seasonal, glrRange,
          glr(mu0 = mu0, alpha = 0.3, theta = 0.5, c.ARL = 3))
writeCase(outDir, "glrnb-nb-theta-cases", "glrnb", glrnb, 52, seasonal, glrRange,
          glr(mu0 = mu0, alpha = 0.3, theta = 0.5, c.ARL = 3, ret = "cases"))
writeCase(outDir, "glrnb-poisson-window-M8-Mtilde2-cases", "glrnb", glrnb, 52, seasonal, glrRange,
          glr(mu0 = mu0, alpha = 0, M = 8, Mtilde = 2, ret = "cases"))
writeCase(outDir, "glrnb-nb-window-M12-cases", "glrnb", glrnb, 52, seasonal, glrRange,
          glr(mu0 = mu0, alpha = 0.15, M = 12, ret = "cases", c.ARL = 3))
writeCase(outDir, "glrnb-nb-epi-M10", "glrnb", glrnb, 52, seasonal, glrRange,
          glr(mu0 = mu0, alpha = 0.2, M = 10, change = "epi", c.ARL = 3))
writeCase(outDir, "glrnb-poisson-epi-Mtilde3", "glrnb", glrnb, 52, seasonal, glrRange,
          glr(mu0 = mu0, alpha = 0, M = -1, Mtilde = 3, change = "epi", c.ARL = 4))
writeCase(outDir, "glrnb-high-estimated-cARL10", "glrnb", glrnb, 52, weekly$high, c(157, nWeeks),
          glr(c.ARL = 10, mu0 = list(S = 1, trend = TRUE)))
writeCase(outDir, "glrnb-daily-poisson-estimated", "glrnb", glrnb, 365, daily$moderate, c(150, nDays),
          glr(alpha = 0, c.ARL = 6))
writeCase(outDir, "glrnb-sparse-nb-value", "glrnb", glrnb, 52, weekly$sparse, c(209, nWeeks),
          glr(alpha = 0.5, mu0 = list(S = 1), Mtilde = 2, c.ARL = 2.5))

writeCase(outDir, "cusum-anscombe2nd-mean", "cusum", cusum, 52, seasonal, cusumRange,
          list(k = 1, h = 3, trans = "anscombe2nd"))
writeCase(outDir, "cusum-none-k5-h20", "cusum", cusum, 52, seasonal, cusumRange,
          list(k = 5, h = 20, m = 3, trans = "none"))
writeCase(outDir, "cusum-anscombeNegBin-m6", "cusum", cusum, 52, seasonal, cusumRange,
          list(k = 0.5, h = 4, m = 6, trans = "anscombeNegBin", alpha = 0.3))
writeCase(outDir, "cusum-anscombeNegBin-default-m", "cusum", cusum, 365, daily$high, c(60, nDays),
          list(k = 0.5, h = 5, trans = "anscombeNegBin", alpha = 0.05))
writeCase(outDir, "cusum-rossi-mean-sparse", "cusum", cusum, 52, weekly$sparse, c(200, nWeeks),
          list(k = 0.8, h = 2, trans = "rossi"))
writeCase(outDir, "cusum-standard-glm-high", "cusum", cusum, 52, weekly$high, c(157, nWeeks),
          list(k = 1.04, h = 2.26, m = "glm", trans = "standard"))
writeCase(outDir, "cusum-pearsonNegBin-vector-m", "cusum", cusum, 52, seasonal, cusumRange,
          list(k = 1, h = 5, m = mu0, trans = "pearsonNegBin", alpha = 0.25))
writeCase(outDir, "cusum-standard-zeros-daily", "cusum", cusum, 365, daily$zeros, c(30, nDays),
          list(k = 0.5, h = 2, trans = "standard"))
writeCase(outDir, "cusum-anscombe-glm-trend", "cusum", cusum, 52, weekly$trend, c(157, nWeeks),
          list(k = 0.5, h = 4, m = "glm", trans = "anscombe"))
writeCase(outDir, "cusum-defaults", "cusum", cusum, 52, weekly$high, c(105, nWeeks), list())

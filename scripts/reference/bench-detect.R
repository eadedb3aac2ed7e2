#!/usr/bin/env Rscript
# The R half of `ews bench detect` (b): the same series through R surveillance's
# farringtonFlexible (latest week) and earsC C1/C2/C3 (latest day), timed in R itself so R's
# start-up and JSON reading are not counted.
#
#   Rscript scripts/reference/bench-detect.R IN.json OUT.json
#
# IN:  {"weekly": [[…]…], "daily": [[…]…], "farrington": control}
# OUT: {"seconds": {"farrington": s, "ears": s}, "farringtonAlarm": [0/1…], "farringtonUpperbound": […]}
# R's earsC C3 fails on a one-point range (a replacement-length error), so C3 evaluates the
# last two days; C1 and C2 the last day.
suppressPackageStartupMessages({
  library(surveillance)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
input <- fromJSON(args[1], simplifyVector = FALSE)
control <- input$farrington
weekly <- lapply(input$weekly, function(x) as.numeric(unlist(x)))
daily <- lapply(input$daily, function(x) as.numeric(unlist(x)))

started <- proc.time()[["elapsed"]]
ff <- lapply(weekly, function(x) {
  s <- sts(x, start = c(2000, 1), frequency = 52)
  r <- suppressWarnings(farringtonFlexible(s, control = c(control, list(range = length(x)))))
  c(as.integer(alarms(r)), upperbound(r))
})
ffSeconds <- proc.time()[["elapsed"]] - started

started <- proc.time()[["elapsed"]]
for (x in daily) {
  s <- sts(x, start = c(2000, 1), frequency = 365)
  n <- length(x)
  earsC(s, control = list(range = n, method = "C1"))
  earsC(s, control = list(range = n, method = "C2"))
  earsC(s, control = list(range = (n - 1):n, method = "C3"))
}
earsSeconds <- proc.time()[["elapsed"]] - started

out <- list(seconds = list(farrington = ffSeconds, ears = earsSeconds),
            farringtonAlarm = sapply(ff, `[`, 1), farringtonUpperbound = sapply(ff, `[`, 2))
writeLines(toJSON(out, auto_unbox = TRUE, na = "null", digits = NA), args[2])

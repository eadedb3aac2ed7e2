#!/usr/bin/env Rscript
# R's farringtonFlexible on the backtest's simulated series, for `ews backtest` to compare
# with ours side by side.
#
#   Rscript scripts/reference/backtest-farrington.R IN.json OUT.json
#
# IN:  {"series": [[counts…], …], "range": [from, to] (1-based), "controls": {name: control}}
# OUT: {"alarms": {name: [[0/1 per time point in range], …]},
#       "upperbound": {name: [[…], …]}, "seconds": {name: elapsed}}
suppressPackageStartupMessages({
  library(surveillance)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
input <- fromJSON(args[1], simplifyVector = FALSE)
range <- unlist(input$range)
out <- list(alarms = list(), upperbound = list(), seconds = list())
for (name in names(input$controls)) {
  control <- input$controls[[name]]
  control$range <- range[1]:range[2]
  started <- proc.time()[["elapsed"]]
  results <- lapply(input$series, function(x) {
    s <- sts(as.numeric(unlist(x)), start = c(2000, 1), frequency = 52)
    r <- suppressWarnings(farringtonFlexible(s, control = control))
    list(alarm = as.integer(as.vector(alarms(r))), upperbound = as.vector(upperbound(r)))
  })
  out$seconds[[name]] <- proc.time()[["elapsed"]] - started
  out$alarms[[name]] <- lapply(results, `[[`, "alarm")
  out$upperbound[[name]] <- lapply(results, `[[`, "upperbound")
}
writeLines(toJSON(out, auto_unbox = TRUE, na = "null", digits = NA), args[2])

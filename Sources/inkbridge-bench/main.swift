import Foundation

// `inkbridge-bench`: measures the hub against this machine's limits (issue 7). See bench/README.md.
exit(BenchMain.run(Array(CommandLine.arguments.dropFirst())))

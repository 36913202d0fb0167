from analysis.cli.app import main

main()

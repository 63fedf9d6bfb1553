from cmkit.cli.app import main

main()

from wparchive.cli import main

main()

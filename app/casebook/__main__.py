from casebook.cli import main

if __name__ == "__main__":  # not when a worker process starts (multiprocessing's spawn)
    raise SystemExit(main())

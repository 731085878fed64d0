from goalgen.cli import main

raise SystemExit(main())

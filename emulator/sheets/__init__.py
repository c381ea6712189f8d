"""Sheets v4 in the emulator: the spreadsheet model and the API routes.

For the rest of the emulator (Drive, persistence, race hooks, the preview):

- ``model.Spreadsheet.new(spreadsheet_id, title)``: a spreadsheet as Google makes one
  (one 1000x26 grid "Sheet1" with ``sheetId`` 0);
- ``Spreadsheet.to_json()`` / ``Spreadsheet.from_json(data)``: lossless, for
  persistence; ``Spreadsheet.copy(new_id, new_title)``: Drive ``files.copy`` (sheet ids
  kept); ``Spreadsheet.title``: kept equal to the Drive file name (Drive sets it on a
  rename; ``updateSpreadsheetProperties`` sets ``file.name``; a read also takes the
  file's name);
- ``apply_batch_update(state, spreadsheet_id, body, user) -> dict`` and
  ``apply_values_update(state, spreadsheet_id, a1_range, values, value_input_option,
  user) -> dict``: edits as a given user, with Google's responses and errors, through
  the same code as the HTTP routes (they take ``state.lock`` and call
  ``state.changed``);
- ``spreadsheet_resource(state, spreadsheet_id, include_grid_data=True) -> dict``: the
  whole spreadsheet as ``spreadsheets.get`` answers its owner;
- ``render.Renderer(spreadsheet).formatted(sheet, row, col)``: a cell as shown.

The first two live in ``values_ops.py`` and ``spreadsheet_ops.py`` with the methods
they share code with; ``spreadsheet_resource`` in ``spreadsheet_ops.py``.

Modules, by concept:

    model.py            spreadsheet, sheets, cells, dimensions (Google's JSON shapes)
    defaults.py         what Google's new spreadsheet looks like (format, theme)
    a1.py               A1/R1C1 ranges, sheet-name quoting, grid limits
    geometry.py         ranges, and how they move with inserted/deleted rows/columns
    dimensions.py       inserting/deleting rows and columns with what is anchored there
    user_entered.py     RAW and USER_ENTERED input (numbers, dates, booleans, formulas
                        in Google's normal form)
    locales.py          the spreadsheet's locale: the order of a typed date's parts
    number_format.py    serial dates and number-format patterns
    formula_parser.py   formula tokens and syntax tree
    formula_values.py   what formulas compute with: values, error values, coercions
    formula_functions.py  the functions formulas can call
    formula_eval.py     evaluating formulas (effective values, error values)
    formula_refs.py     formulas following their cells when the grid changes
    render.py           effective/formatted values, value render options, CellData
    grid_data.py        GridData (rowData, row/column metadata)
    output.py           stored objects in Google's output shapes
    resource.py         the Spreadsheet resource (spreadsheets.get)
    fields_mask.py      field masks: response masks and update masks
    protection.py       protected ranges: editors, reading, enforcing
    developer_metadata.py  metadata locations, lookups, DataFilter matching
    data_filters.py     ranges selected by DataFilters
    values.py           reading and writing values
    append.py           values.append table detection
    request_schema.py   request bodies checked against the discovery document
    batch_update.py     atomic batchUpdate and its request dispatch
    requests_*.py       batchUpdate request families (sheets, cells, moves,
                        dimensions, ranges, metadata)
    cell_update.py      writing CellData through a field mask
    spreadsheet_ops.py  create/get/batchUpdate on the emulator state
    values_ops.py       the values methods on the emulator state
    metadata_ops.py     developerMetadata.get/search on the emulator state
    api.py              the Flask routes, named by Google's method ids
"""

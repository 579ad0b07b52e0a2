// Command rubric runs the rubric service and its tools.
//
//	rubric serve [-addr 127.0.0.1:8080] [-db ./rubric.db] [-no-seed] [-import-limit 20MB]   serve the API
//	rubric check FILE.yaml                                               validate a scheme document offline
//	rubric seed [-db ./rubric.db] [-reset CODE]                          load the built-in seed schemes
//	rubric template CODE [-format xlsx|csv] [-layer self] -o FILE        write a fill-in template
//	rubric import CODE FILE [-layer self] [-dry-run]                     import a filled-in template
//	rubric export CODE [-format xlsx|csv|json] [-layer self] -o FILE     write the evaluated sheet
//	rubric migrate [up|status] [-db DB]                                  apply or list the migrations
//	rubric token create|list|revoke …                                   manage API tokens
//	rubric backup FILE                                                   online copy of the SQLite database
//	rubric version                                                       print the version
//
// serve reads RUBRIC_ADDR, RUBRIC_DB, RUBRIC_LOG (text or json) and RUBRIC_IMPORT_LIMIT when
// the flags are not given, loads the seed schemes on first start (an empty database), and shuts
// down gracefully on SIGINT or SIGTERM. template, import and export open the database serve
// uses (-db or RUBRIC_DB) and do what GET /template, POST /values/import and GET /results do,
// through the same functions of package server; import prints every problem of a file as
// FILE:row:column: unit metric: message and exits 1, saving nothing.
//
// cmd/rubric wires everything: it imports server, schema, exchange and seeds.
package main

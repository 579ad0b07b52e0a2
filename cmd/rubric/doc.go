// Command rubric runs the rubric service and its tools.
//
//	rubric serve [-addr 127.0.0.1:8080] [-db ./rubric.db] [-no-seed]   serve the API
//	rubric check FILE.yaml                                               validate a scheme document offline
//	rubric seed [-db ./rubric.db] [-reset CODE]                          load the built-in seed schemes
//	rubric version                                                       print the version
//
// serve reads RUBRIC_ADDR, RUBRIC_DB and RUBRIC_LOG (text or json) when the flags are not given,
// loads the seed schemes on first start (an empty database), and shuts down gracefully on
// SIGINT or SIGTERM.
//
// cmd/rubric wires everything: it imports server, schema and seeds.
package main

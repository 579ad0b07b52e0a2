// web/ holds no Go code. This file makes it a module of its own, so that the rubric module's
// ./... (go vet, go test, golangci-lint) leaves out web/node_modules, where npm packages may
// ship Go files (flatted, a dependency of the /docs renderer, does).
module github.com/rubric-dev/rubric/web

go 1.26.8

module github.com/libfastgpt/libfastgpt/examples/go

go 1.24

require github.com/libfastgpt/libfastgpt/bindings/go v0.0.0

replace github.com/libfastgpt/libfastgpt/bindings/go => ../../bindings/go

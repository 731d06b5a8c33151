//go:build race

package fastgpt_test

const raceEnabled = true

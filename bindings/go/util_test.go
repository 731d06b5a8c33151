package fastgpt_test

import "runtime"

func runtime_GC() { runtime.GC() }

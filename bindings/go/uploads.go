package fastgpt

/*
#include "shims.h"
*/
import "C"

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unsafe"
)

// uploadMemoryLimit is the most of a plain io.Reader that CreateFileCollection uploads from
// memory; a longer one is spooled to a temporary file, so memory stays bounded.
const uploadMemoryLimit = 8 << 20

// CreateFileCollection creates a collection from a file's content read from r, uploaded as the
// file name name (FastGPT picks the parser by its extension, and names the collection after it
// unless req.Name is set): POST /api/core/dataset/collection/create/localFile, multipart. The
// server parses and trains the file in the background, so the result's InsertLen is 0.
//
// How r is sent, so that a large file never costs its size in memory:
//   - an *os.File of a regular file, positioned at its start, is streamed from disk by libfastgpt
//     (through its path; r is not read by this package);
//   - any other reader of up to 8 MiB is read into memory and sent from there;
//   - a longer one is copied to a temporary file first (then streamed from it, and removed).
//
// For a file on disk, CreateFileCollectionFromPath is the direct way. WithProgress reports the
// upload's progress; the client's (or the call's) WithTimeout bounds the whole upload: raise it
// for large files on slow links. An upload is never re-sent once its first byte went out.
func (c *Client) CreateFileCollection(ctx context.Context, req *CreateFileCollectionRequest, name string, r io.Reader, opts ...CallOption) (*CollectionCreated, error) {
	set, err := uploadSettings(opts)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, &Error{Status: StatusInvalidArgument, Message: "CreateFileCollection: the reader is nil"}
	}
	if f, ok := r.(*os.File); ok {
		if path, cleanup, ok := fileUploadPath(f, name); ok {
			defer cleanup()
			return c.upload(ctx, req, &set, path, "", nil)
		}
	}
	head, err := io.ReadAll(io.LimitReader(r, uploadMemoryLimit+1))
	if err != nil {
		return nil, &Error{Status: StatusInvalidArgument, Message: "CreateFileCollection: cannot read the file: " + err.Error()}
	}
	if len(head) <= uploadMemoryLimit {
		return c.upload(ctx, req, &set, "", name, head)
	}
	path, cleanup, err := spool(name, io.MultiReader(bytes.NewReader(head), r))
	if err != nil {
		return nil, err
	}
	defer cleanup()
	return c.upload(ctx, req, &set, path, "", nil)
}

// CreateFileCollectionFromPath creates a collection from the file at path, streamed from disk
// (never read whole into memory) and uploaded under its file name (the last path component), as
// CreateFileCollection. A path that names no readable regular file is an *Error with
// StatusInvalidArgument, before any I/O.
func (c *Client) CreateFileCollectionFromPath(ctx context.Context, req *CreateFileCollectionRequest, path string, opts ...CallOption) (*CollectionCreated, error) {
	set, err := uploadSettings(opts)
	if err != nil {
		return nil, err
	}
	return c.upload(ctx, req, &set, path, "", nil)
}

// fileUploadPath returns a path by which libfastgpt can read f from its start under the file
// name name: f's own path when its last component is name, else a symbolic link named name to it
// in a temporary directory (cleanup removes it). ok is false when f is not a regular file at
// offset 0 still reachable by its name.
func fileUploadPath(f *os.File, name string) (path string, cleanup func(), ok bool) {
	if name == "" || strings.ContainsAny(name, "/\\\x00") || name == "." || name == ".." {
		return "", nil, false
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return "", nil, false
	}
	if off, err := f.Seek(0, io.SeekCurrent); err != nil || off != 0 {
		return "", nil, false
	}
	abs, err := filepath.Abs(f.Name())
	if err != nil {
		return "", nil, false
	}
	if pi, err := os.Stat(abs); err != nil || !os.SameFile(fi, pi) {
		return "", nil, false // renamed or removed since it was opened
	}
	if filepath.Base(abs) == name {
		return abs, func() {}, true
	}
	dir, err := os.MkdirTemp("", "fastgpt-upload-")
	if err != nil {
		return "", nil, false
	}
	link := filepath.Join(dir, name)
	if err := os.Symlink(abs, link); err != nil {
		os.RemoveAll(dir)
		return "", nil, false
	}
	return link, func() { os.RemoveAll(dir) }, true
}

// spool copies r into a temporary file named name (the upload's file name) and returns its path.
func spool(name string, r io.Reader) (string, func(), error) {
	if name == "" || strings.ContainsAny(name, "/\\\x00") || name == "." || name == ".." {
		return "", nil, &Error{Status: StatusInvalidArgument, Message: "CreateFileCollection: the file name must be a plain file name"}
	}
	dir, err := os.MkdirTemp("", "fastgpt-upload-")
	if err != nil {
		return "", nil, &Error{Status: StatusInternal, Message: "cannot spool the upload: " + err.Error()}
	}
	cleanup := func() { os.RemoveAll(dir) }
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err == nil {
		_, err = io.Copy(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		cleanup()
		return "", nil, &Error{Status: StatusInvalidArgument, Message: "CreateFileCollection: cannot read the file: " + err.Error()}
	}
	return path, cleanup, nil
}

// upload makes the blocking C upload: from path when it is not "", else from data named name.
func (c *Client) upload(ctx context.Context, req *CreateFileCollectionRequest, set *settings, path, name string, data []byte) (*CollectionCreated, error) {
	var h C.uintptr_t
	var u *uploadState
	if set.progress != nil {
		u = &uploadState{progress: set.progress}
		handle := newHandle(u)
		defer deleteHandle(handle)
		h = C.uintptr_t(handle)
	}
	cpath := cStr(path)
	cname := cStr(name)
	var out *CollectionCreated
	err := runWith(ctx, c, set, req, nil, func(b []byte) error {
		if len(b) == 0 {
			return nil
		}
		return json.Unmarshal(b, &out)
	}, func(target *C.fastgpt_client, js *C.char, tok *C.fastgpt_cancel, resp **C.fastgpt_response, cerr **C.fastgpt_error) C.fastgpt_status {
		var p *C.char
		if path != "" {
			p = (*C.char)(unsafe.Pointer(&cpath[0]))
		}
		var d *C.uint8_t
		if len(data) > 0 {
			d = (*C.uint8_t)(unsafe.Pointer(&data[0]))
		}
		return C.fgo_upload(target, js, tok, p, (*C.char)(unsafe.Pointer(&cname[0])), d, C.size_t(len(data)), h, resp, cerr)
	})
	if u != nil && u.panicked != nil {
		panic(u.panicked) // the progress function panicked: the upload was aborted, re-raise here
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

package fastgpt

import (
	"bytes"
	"encoding/json"
	"time"
)

// This file holds the requests and results of v2 chat stop and of the knowledge base (datasets,
// collections, data, search), with FastGPT's JSON names. Shapes follow FastGPT 4.14
// (document/content/docs/openapi/dataset.mdx, packages/global/core/dataset/**) as fastgpt.h
// documents them; where the server's shape is open, the whole object is kept in Raw.

// StopChatRequest names the chat whose running workflow StopChat stops.
type StopChatRequest struct {
	// AppID is the app's 24-hex id.
	AppID string `json:"appId"`
	// ChatID is the chat a v2 completion runs on.
	ChatID string `json:"chatId"`
}

// StopChatResult is StopChat's answer.
type StopChatResult struct {
	// Success is true once the workflow stopped (or there was none running).
	Success bool `json:"success"`
}

// DatasetType is the type of a dataset.
type DatasetType string

// The dataset types FastGPT knows (others may come: the field is a plain string).
const (
	// DatasetTypeDataset is an ordinary dataset (the default).
	DatasetTypeDataset DatasetType = "dataset"
	// DatasetTypeFolder is a folder of datasets.
	DatasetTypeFolder DatasetType = "folder"
	// DatasetTypeWebsite is a dataset synced from a website.
	DatasetTypeWebsite DatasetType = "websiteDataset"
	// DatasetTypeAPI is a dataset backed by an external file API.
	DatasetTypeAPI DatasetType = "apiDataset"
)

// ListDatasetsRequest lists the datasets of a folder.
type ListDatasetsRequest struct {
	// ParentID is the folder ("" : the root).
	ParentID string `json:"parentId,omitempty"`
	// Type keeps only datasets of this type.
	Type DatasetType `json:"type,omitempty"`
	// SearchKey matches names and intros, at any level.
	SearchKey string `json:"searchKey,omitempty"`
}

// DatasetModel is a model a dataset uses (vector, agent or VLM model).
type DatasetModel struct {
	// Provider is the model's provider ("OpenAI", ...).
	Provider string `json:"provider,omitempty"`
	// Model is the model's id ("text-embedding-3-small", ...).
	Model string `json:"model"`
	// Name is the model's display name.
	Name string `json:"name,omitempty"`
	// Type is "embedding", "llm", ...
	Type string `json:"type,omitempty"`
}

// Dataset is a dataset (knowledge base), as listed (ListDatasets) or in detail (GetDataset).
// The common fields are decoded; the whole object is kept in Raw.
type Dataset struct {
	// ID is the dataset's id (FastGPT's "_id").
	ID string `json:"_id"`
	// ParentID is the folder it is in ("" at the root).
	ParentID string `json:"parentId,omitempty"`
	// TeamID is the owning team (detail only).
	TeamID string `json:"teamId,omitempty"`
	// TmbID is the creating team member.
	TmbID string `json:"tmbId,omitempty"`
	// Type is the dataset's type (DatasetTypeDataset, ...).
	Type DatasetType `json:"type"`
	// Status is "active" or "syncing" (detail only).
	Status string `json:"status,omitempty"`
	// Avatar is the icon's URL or name.
	Avatar string `json:"avatar,omitempty"`
	// Name is the dataset's name.
	Name string `json:"name"`
	// Intro is its description.
	Intro string `json:"intro,omitempty"`
	// VectorModel is the embedding model.
	VectorModel *DatasetModel `json:"vectorModel,omitempty"`
	// AgentModel is the LLM used for QA training and extension (detail only).
	AgentModel *DatasetModel `json:"agentModel,omitempty"`
	// VLMModel is the vision model for images, if any (detail only).
	VLMModel *DatasetModel `json:"vlmModel,omitempty"`
	// UpdateTime is the last change.
	UpdateTime Timestamp `json:"updateTime,omitzero"`
	// InheritPermission tells whether the dataset takes its folder's permissions.
	InheritPermission bool `json:"inheritPermission,omitempty"`
	// Permission is the caller's permission on it, as sent.
	Permission json.RawMessage `json:"permission,omitempty"`
	// Raw is the whole object as sent.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the common fields and keeps the whole object in Raw.
func (d *Dataset) UnmarshalJSON(b []byte) error {
	type plain Dataset
	if err := json.Unmarshal(b, (*plain)(d)); err != nil {
		return err
	}
	d.Raw = bytesClone(b)
	return nil
}

// CreateDatasetRequest creates a dataset. Leave the models empty to use the server's defaults.
type CreateDatasetRequest struct {
	// Name is required.
	Name string `json:"name"`
	// ParentID is the folder to create it in ("" : the root).
	ParentID string `json:"parentId,omitempty"`
	// Type is DatasetTypeDataset (default) or DatasetTypeFolder.
	Type DatasetType `json:"type,omitempty"`
	// Intro is a description.
	Intro string `json:"intro,omitempty"`
	// Avatar is an icon URL or name.
	Avatar string `json:"avatar,omitempty"`
	// VectorModel is the embedding model's id.
	VectorModel string `json:"vectorModel,omitempty"`
	// AgentModel is the LLM's id (QA training, query extension).
	AgentModel string `json:"agentModel,omitempty"`
	// VLMModel is the vision model's id (image indexing).
	VLMModel string `json:"vlmModel,omitempty"`
}

// GetDatasetRequest names a dataset (sent as the query parameter id).
type GetDatasetRequest struct {
	// ID is the dataset's id.
	ID string `json:"id"`
}

// DeleteDatasetRequest names the dataset to delete, with everything in it.
type DeleteDatasetRequest struct {
	// ID is the dataset's id.
	ID string `json:"id"`
}

// CollectionType is the type of a collection.
type CollectionType string

// The collection types FastGPT knows.
const (
	// CollectionTypeVirtual holds data pushed by hand (PushData).
	CollectionTypeVirtual CollectionType = "virtual"
	// CollectionTypeFolder is a folder of collections.
	CollectionTypeFolder CollectionType = "folder"
	// CollectionTypeFile was made from a file or a text.
	CollectionTypeFile CollectionType = "file"
	// CollectionTypeLink was made from a web page.
	CollectionTypeLink CollectionType = "link"
	// CollectionTypeExternalFile was made from an external file link.
	CollectionTypeExternalFile CollectionType = "externalFile"
	// CollectionTypeAPIFile was made from a file of an API dataset.
	CollectionTypeAPIFile CollectionType = "apiFile"
)

// TrainingType is how a collection's text becomes data.
type TrainingType string

// The training types.
const (
	// TrainingChunk splits the text into chunks (the default).
	TrainingChunk TrainingType = "chunk"
	// TrainingQA has an LLM write question/answer pairs.
	TrainingQA TrainingType = "qa"
)

// CollectionOptions are the optional settings shared by the collection-creating requests (text,
// link, API files, file uploads); embed them in those requests. Zero values are not sent.
type CollectionOptions struct {
	// ParentID is the folder collection to create it in.
	ParentID string `json:"parentId,omitempty"`
	// TrainingType is TrainingChunk (default) or TrainingQA.
	TrainingType TrainingType `json:"trainingType,omitempty"`
	// ChunkSettingMode is "auto" or "custom".
	ChunkSettingMode string `json:"chunkSettingMode,omitempty"`
	// ChunkSplitMode is "size", "paragraph" or "char" (custom mode).
	ChunkSplitMode string `json:"chunkSplitMode,omitempty"`
	// ChunkSize is the chunk length (custom mode).
	ChunkSize int `json:"chunkSize,omitempty"`
	// IndexSize is the index length (custom mode).
	IndexSize int `json:"indexSize,omitempty"`
	// ChunkSplitter is a custom separator ("char" mode).
	ChunkSplitter string `json:"chunkSplitter,omitempty"`
	// QAPrompt is the prompt of QA training.
	QAPrompt string `json:"qaPrompt,omitempty"`
	// IndexPrefixTitle prefixes every index with the collection's title.
	IndexPrefixTitle bool `json:"indexPrefixTitle,omitempty"`
	// CustomPDFParse uses the server's enhanced PDF parser.
	CustomPDFParse bool `json:"customPdfParse,omitempty"`
	// Tags are the collection's tags.
	Tags []string `json:"tags,omitempty"`
	// Metadata is free-form (a link's "webPageSelector" goes here).
	Metadata map[string]any `json:"metadata,omitempty"`
	// CreateTime overrides the creation time.
	CreateTime *time.Time `json:"createTime,omitempty"`
}

// CreateCollectionRequest creates an empty collection (CreateCollection).
type CreateCollectionRequest struct {
	// DatasetID is the dataset to create it in.
	DatasetID string `json:"datasetId"`
	// Name is the collection's name.
	Name string `json:"name"`
	// Type is CollectionTypeVirtual (data pushed by hand) or CollectionTypeFolder. The server
	// requires it; empty is sent as CollectionTypeVirtual.
	Type CollectionType `json:"type"`
	// ParentID is the folder collection to create it in.
	ParentID string `json:"parentId,omitempty"`
	// Metadata is free-form.
	Metadata map[string]any `json:"metadata,omitempty"`
	// Tags are the collection's tags.
	Tags []string `json:"tags,omitempty"`
}

// MarshalJSON sends an empty Type as CollectionTypeVirtual.
func (r CreateCollectionRequest) MarshalJSON() ([]byte, error) {
	type plain CreateCollectionRequest
	if r.Type == "" {
		r.Type = CollectionTypeVirtual
	}
	return json.Marshal(plain(r))
}

// CreateTextCollectionRequest creates a collection from a text, split and trained.
type CreateTextCollectionRequest struct {
	// DatasetID is the dataset to create it in.
	DatasetID string `json:"datasetId"`
	// Name is the collection's name.
	Name string `json:"name"`
	// Text is the content.
	Text string `json:"text"`
	CollectionOptions
}

// CreateLinkCollectionRequest creates a collection from a web page the server fetches.
type CreateLinkCollectionRequest struct {
	// DatasetID is the dataset to create it in.
	DatasetID string `json:"datasetId"`
	// Link is the page's URL.
	Link string `json:"link"`
	// Name is the collection's name (default: the link).
	Name string `json:"name,omitempty"`
	CollectionOptions
}

// CreateAPICollectionRequest creates a collection from one file of an API dataset (deprecated by
// FastGPT in favour of CreateAPICollectionV2Request).
type CreateAPICollectionRequest struct {
	// DatasetID is the (API) dataset.
	DatasetID string `json:"datasetId"`
	// Name is the collection's name.
	Name string `json:"name"`
	// APIFileID is the file's id in the external API.
	APIFileID string `json:"apiFileId"`
	CollectionOptions
}

// APIFile is a file or folder of an API dataset (CreateAPICollectionV2Request).
type APIFile struct {
	// ID is its id in the external API.
	ID string `json:"id"`
	// Name is its name.
	Name string `json:"name"`
	// Type is "file" or "folder" (folders are walked).
	Type string `json:"type"`
	// HasChild tells whether a folder has children.
	HasChild bool `json:"hasChild,omitempty"`
}

// CreateAPICollectionV2Request creates collections from files and folders of an API dataset;
// files already imported are skipped.
type CreateAPICollectionV2Request struct {
	// DatasetID is the (API) dataset.
	DatasetID string `json:"datasetId"`
	// APIFiles are the files and folders to import.
	APIFiles []APIFile `json:"apiFiles"`
	// Name is the collection's name (a single file).
	Name string `json:"name,omitempty"`
	CollectionOptions
}

// CreateFileCollectionRequest holds the settings of a file upload (CreateFileCollection); they
// go to the server as the multipart "data" part.
type CreateFileCollectionRequest struct {
	// DatasetID is the dataset to create it in.
	DatasetID string `json:"datasetId"`
	// Name is the collection's name (default: the file's name).
	Name string `json:"name,omitempty"`
	CollectionOptions
}

// InsertResults counts what a creation or push inserted.
type InsertResults struct {
	// InsertLen is the number of data items queued for training.
	InsertLen int `json:"insertLen"`
	// OverToken lists items over the token limit (older servers).
	OverToken json.RawMessage `json:"overToken,omitempty"`
	// Repeat lists duplicate items (older servers).
	Repeat json.RawMessage `json:"repeat,omitempty"`
	// Error lists items that failed (older servers).
	Error json.RawMessage `json:"error,omitempty"`
}

// CollectionCreated is the answer of the text, link and file collection creations.
type CollectionCreated struct {
	// CollectionID is the new collection's id.
	CollectionID string `json:"collectionId"`
	// Results counts the data inserted (0 when the server trains in the background).
	Results InsertResults `json:"results"`
}

// ListCollectionsRequest pages through a dataset's collections.
type ListCollectionsRequest struct {
	// DatasetID is the dataset.
	DatasetID string `json:"datasetId"`
	// ParentID lists a folder collection's children ("" : the top level).
	ParentID string `json:"parentId,omitempty"`
	// SearchText matches names, at any level.
	SearchText string `json:"searchText,omitempty"`
	// Offset is the number of collections to skip.
	Offset int `json:"offset,omitempty"`
	// PageSize is the page's size (documented as at most 30; servers cap it at 100).
	PageSize int `json:"pageSize,omitempty"`
	// FilterTags keeps collections with one of these tags.
	FilterTags []string `json:"filterTags,omitempty"`
	// SelectFolder lists folders only.
	SelectFolder bool `json:"selectFolder,omitempty"`
	// Simple skips the data counts.
	Simple bool `json:"simple,omitempty"`
}

// CollectionList is a page of collections, newest first.
type CollectionList struct {
	// List is the page.
	List []CollectionListItem `json:"list"`
	// Total is the number of matching collections.
	Total int `json:"total"`
}

// CollectionListItem is one collection of a CollectionList.
type CollectionListItem struct {
	// ID is the collection's id (FastGPT's "_id").
	ID string `json:"_id"`
	// ParentID is the folder collection it is in, if any.
	ParentID string `json:"parentId,omitempty"`
	// TmbID is the creating team member.
	TmbID string `json:"tmbId,omitempty"`
	// Name is the collection's name.
	Name string `json:"name"`
	// Type is the collection's type (CollectionTypeVirtual, ...).
	Type CollectionType `json:"type"`
	// Forbid is true when the collection is disabled (not searched).
	Forbid bool `json:"forbid,omitempty"`
	// CreateTime is the creation time.
	CreateTime Timestamp `json:"createTime,omitzero"`
	// UpdateTime is the last change.
	UpdateTime Timestamp `json:"updateTime,omitzero"`
	// TrainingType is how its text became data.
	TrainingType TrainingType `json:"trainingType,omitempty"`
	// Tags are the collection's tags.
	Tags []string `json:"tags,omitempty"`
	// DataAmount is the number of data items.
	DataAmount int `json:"dataAmount"`
	// TrainingAmount is the number of items still training.
	TrainingAmount int `json:"trainingAmount"`
	// HasError is true when some training failed.
	HasError bool `json:"hasError,omitempty"`
	// FileID is the uploaded file's id (file collections).
	FileID string `json:"fileId,omitempty"`
	// RawLink is the page's URL (link collections).
	RawLink string `json:"rawLink,omitempty"`
	// ExternalFileID is the caller's id of an external file.
	ExternalFileID string `json:"externalFileId,omitempty"`
	// Permission is the caller's permission on it, as sent.
	Permission json.RawMessage `json:"permission,omitempty"`
}

// GetCollectionRequest names a collection (sent as the query parameter id).
type GetCollectionRequest struct {
	// ID is the collection's id.
	ID string `json:"id"`
}

// CollectionFile describes a file collection's uploaded file.
type CollectionFile struct {
	// Filename is the file's name as uploaded.
	Filename string `json:"filename"`
	// ContentLength is its size in bytes.
	ContentLength int64 `json:"contentLength"`
	// ContentType is its MIME type.
	ContentType string `json:"contentType,omitempty"`
}

// Collection is a collection's details (GetCollection). The common fields are decoded; the whole
// object is kept in Raw. DatasetID is the dataset's id whether the server sent an id or (older
// servers) the populated dataset object, which then also fills Dataset.
type Collection struct {
	// ID is the collection's id (FastGPT's "_id").
	ID string `json:"_id"`
	// ParentID is the folder collection it is in, if any.
	ParentID string `json:"parentId,omitempty"`
	// TeamID is the owning team.
	TeamID string `json:"teamId,omitempty"`
	// TmbID is the creating team member.
	TmbID string `json:"tmbId,omitempty"`
	// DatasetID is its dataset's id.
	DatasetID string `json:"datasetId"`
	// Name is the collection's name.
	Name string `json:"name"`
	// Type is the collection's type.
	Type CollectionType `json:"type"`
	// Forbid is true when the collection is disabled.
	Forbid bool `json:"forbid,omitempty"`
	// CreateTime is the creation time.
	CreateTime Timestamp `json:"createTime,omitzero"`
	// UpdateTime is the last change.
	UpdateTime Timestamp `json:"updateTime,omitzero"`
	// TrainingType is how its text became data.
	TrainingType TrainingType `json:"trainingType,omitempty"`
	// ChunkSize is the chunk length it was split with, if sent.
	ChunkSize int `json:"chunkSize,omitempty"`
	// Tags are the collection's tags.
	Tags []string `json:"tags,omitempty"`
	// Metadata is free-form, as sent.
	Metadata json.RawMessage `json:"metadata,omitempty"`
	// RawLink is the page's URL (link collections).
	RawLink string `json:"rawLink,omitempty"`
	// FileID is the uploaded file's id (file collections).
	FileID string `json:"fileId,omitempty"`
	// ExternalFileID is the caller's id of an external file.
	ExternalFileID string `json:"externalFileId,omitempty"`
	// APIFileID is the file's id in an API dataset.
	APIFileID string `json:"apiFileId,omitempty"`
	// IndexAmount is the number of indexes of its data.
	IndexAmount int `json:"indexAmount"`
	// SourceName is the name to show as the source of its data.
	SourceName string `json:"sourceName,omitempty"`
	// SourceID is the id of the source (file id, link, ...).
	SourceID string `json:"sourceId,omitempty"`
	// ErrorCount is the number of failed training items.
	ErrorCount int `json:"errorCount"`
	// File describes the uploaded file (file collections).
	File *CollectionFile `json:"file,omitempty"`
	// Dataset is the dataset, when the server includes it.
	Dataset *Dataset `json:"dataset,omitempty"`
	// Permission is the caller's permission on it, as sent.
	Permission json.RawMessage `json:"permission,omitempty"`
	// Raw is the whole object as sent.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the common fields (a populated datasetId object gives DatasetID and
// Dataset) and keeps the whole object in Raw.
func (c *Collection) UnmarshalJSON(b []byte) error {
	type plain Collection
	var v struct {
		plain
		DatasetID json.RawMessage `json:"datasetId"` // shadows plain's: an id or an object
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Collection(v.plain)
	if t := bytes.TrimSpace(v.DatasetID); len(t) > 0 && t[0] == '{' {
		var d Dataset
		if err := json.Unmarshal(t, &d); err != nil {
			return err
		}
		c.DatasetID = d.ID
		if c.Dataset == nil {
			c.Dataset = &d
		}
	} else if len(t) > 0 && string(t) != "null" {
		if err := json.Unmarshal(t, &c.DatasetID); err != nil {
			return err
		}
	}
	c.Raw = bytesClone(b)
	return nil
}

// UpdateCollectionRequest updates a collection found by ID, or by DatasetID + ExternalFileID;
// only the fields set change.
type UpdateCollectionRequest struct {
	// ID is the collection's id.
	ID string `json:"id,omitempty"`
	// DatasetID and ExternalFileID find the collection instead of ID.
	DatasetID string `json:"datasetId,omitempty"`
	// ExternalFileID is the caller's id of an external file (with DatasetID).
	ExternalFileID string `json:"externalFileId,omitempty"`
	// ParentID moves it into another folder collection.
	ParentID *string `json:"parentId,omitempty"`
	// Name renames it.
	Name *string `json:"name,omitempty"`
	// Tags replaces its tags (nil: unchanged; an empty non-nil slice clears them).
	Tags *[]string `json:"tags,omitempty"`
	// Forbid disables (true) or enables (false) it.
	Forbid *bool `json:"forbid,omitempty"`
	// CreateTime changes its creation time.
	CreateTime *time.Time `json:"createTime,omitempty"`
}

// DeleteCollectionsRequest deletes collections, their sub-collections and data: CollectionIDs, or
// one ID.
type DeleteCollectionsRequest struct {
	// CollectionIDs are the collections to delete.
	CollectionIDs []string `json:"collectionIds,omitempty"`
	// ID is one collection to delete (instead of CollectionIDs).
	ID string `json:"id,omitempty"`
}

// DataIndex is an index of a data item (the texts its embeddings are made from).
type DataIndex struct {
	// Type is "default", "custom", "summary", "question" or "image" (empty: "custom").
	Type string `json:"type,omitempty"`
	// DataID is the index's id (set it in UpdateData to change an index in place).
	DataID string `json:"dataId,omitempty"`
	// Text is the indexed text.
	Text string `json:"text"`
}

// PushDataItem is one item of PushDataRequest.Data.
type PushDataItem struct {
	// Q is the main content (an item without Q is dropped by the server).
	Q string `json:"q"`
	// A is the auxiliary content (an answer).
	A string `json:"a,omitempty"`
	// Indexes are custom indexes (a default one is made from Q).
	Indexes []DataIndex `json:"indexes,omitempty"`
}

// PushDataRequest adds data to a collection; at most 200 items a call (checked before any I/O).
type PushDataRequest struct {
	// CollectionID is the collection.
	CollectionID string `json:"collectionId"`
	// Data are the items (1 to 200).
	Data []PushDataItem `json:"data"`
	// TrainingType is TrainingChunk (default) or TrainingQA.
	TrainingType TrainingType `json:"trainingType,omitempty"`
	// Prompt is the QA training prompt.
	Prompt string `json:"prompt,omitempty"`
	// BillID groups several pushes under one usage record (CreateTrainingUsage).
	BillID string `json:"billId,omitempty"`
}

// PushDataResult is PushData's answer.
type PushDataResult struct {
	// InsertLen is the number of items queued for training.
	InsertLen int `json:"insertLen"`
	// OverToken lists items over the token limit (older servers).
	OverToken json.RawMessage `json:"overToken,omitempty"`
	// Repeat lists duplicate items (older servers).
	Repeat json.RawMessage `json:"repeat,omitempty"`
	// Error lists items that failed (older servers).
	Error json.RawMessage `json:"error,omitempty"`
}

// ListDataRequest pages through a collection's data.
type ListDataRequest struct {
	// CollectionID is the collection.
	CollectionID string `json:"collectionId"`
	// SearchText filters by content.
	SearchText string `json:"searchText,omitempty"`
	// Offset is the number of items to skip.
	Offset int `json:"offset,omitempty"`
	// PageSize is the page's size (at most 30).
	PageSize int `json:"pageSize,omitempty"`
}

// DataList is a page of data items, by chunk index.
type DataList struct {
	// List is the page.
	List []DataListItem `json:"list"`
	// Total is the number of matching items.
	Total int `json:"total"`
}

// DataListItem is one item of a DataList.
type DataListItem struct {
	// ID is the item's id (FastGPT's "_id").
	ID string `json:"_id"`
	// DatasetID is its dataset.
	DatasetID string `json:"datasetId"`
	// CollectionID is its collection.
	CollectionID string `json:"collectionId"`
	// Q is the main content.
	Q string `json:"q"`
	// A is the auxiliary content.
	A string `json:"a,omitempty"`
	// ChunkIndex is its position in the collection.
	ChunkIndex int `json:"chunkIndex"`
	// TeamID is the owning team.
	TeamID string `json:"teamId,omitempty"`
}

// GetDataRequest names a data item (sent as the query parameter id).
type GetDataRequest struct {
	// ID is the item's id.
	ID string `json:"id"`
}

// DataItem is one data item in detail (GetData). The common fields are decoded; the whole object
// is kept in Raw.
type DataItem struct {
	// ID is the item's id (note: "id" here, not "_id").
	ID string `json:"id"`
	// TeamID is the owning team.
	TeamID string `json:"teamId,omitempty"`
	// UpdateTime is the last change.
	UpdateTime Timestamp `json:"updateTime,omitzero"`
	// Q is the main content.
	Q string `json:"q"`
	// A is the auxiliary content.
	A string `json:"a,omitempty"`
	// ChunkIndex is its position in the collection.
	ChunkIndex int `json:"chunkIndex"`
	// Indexes are its indexes.
	Indexes []DataIndex `json:"indexes,omitempty"`
	// DatasetID is its dataset.
	DatasetID string `json:"datasetId"`
	// CollectionID is its collection.
	CollectionID string `json:"collectionId"`
	// SourceName is its collection's name.
	SourceName string `json:"sourceName,omitempty"`
	// SourceID is the id of its source (file id, link, ...).
	SourceID string `json:"sourceId,omitempty"`
	// IsOwner tells whether the caller owns it.
	IsOwner bool `json:"isOwner,omitempty"`
	// Raw is the whole object as sent.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the common fields and keeps the whole object in Raw.
func (d *DataItem) UnmarshalJSON(b []byte) error {
	type plain DataItem
	if err := json.Unmarshal(b, (*plain)(d)); err != nil {
		return err
	}
	d.Raw = bytesClone(b)
	return nil
}

// UpdateDataRequest updates one data item; only the fields set change.
type UpdateDataRequest struct {
	// DataID is the item's id.
	DataID string `json:"dataId"`
	// Q replaces the main content.
	Q *string `json:"q,omitempty"`
	// A replaces the auxiliary content.
	A *string `json:"a,omitempty"`
	// Indexes: one with its DataID is updated in place, one without is added.
	Indexes []DataIndex `json:"indexes,omitempty"`
}

// DeleteDataRequest names the data item to delete (sent as the query parameter id).
type DeleteDataRequest struct {
	// ID is the item's id.
	ID string `json:"id"`
}

// SearchMode is how SearchTest searches.
type SearchMode string

// The search modes.
const (
	// SearchModeEmbedding searches by vector similarity (the default).
	SearchModeEmbedding SearchMode = "embedding"
	// SearchModeFullText searches the full text.
	SearchModeFullText SearchMode = "fullTextRecall"
	// SearchModeMixed combines both.
	SearchModeMixed SearchMode = "mixedRecall"
)

// SearchTestRequest searches a dataset as an app's dataset-search node would.
type SearchTestRequest struct {
	// DatasetID is the dataset.
	DatasetID string `json:"datasetId"`
	// Text is the query.
	Text string `json:"text"`
	// Limit is the most tokens of results (server default 5000).
	Limit int `json:"limit,omitempty"`
	// Similarity is the lowest score kept (0 to 1).
	Similarity *float64 `json:"similarity,omitempty"`
	// SearchMode is SearchModeEmbedding (default), SearchModeFullText or SearchModeMixed.
	SearchMode SearchMode `json:"searchMode,omitempty"`
	// UsingReRank re-ranks the hits with the rerank model.
	UsingReRank bool `json:"usingReRank,omitempty"`
	// DatasetSearchUsingExtensionQuery rewrites the query with an LLM first.
	DatasetSearchUsingExtensionQuery bool `json:"datasetSearchUsingExtensionQuery,omitempty"`
	// DatasetSearchExtensionModel is that LLM.
	DatasetSearchExtensionModel string `json:"datasetSearchExtensionModel,omitempty"`
	// DatasetSearchExtensionBg is background text for the rewrite.
	DatasetSearchExtensionBg string `json:"datasetSearchExtensionBg,omitempty"`
}

// SearchScore is one score of a SearchHit.
type SearchScore struct {
	// Type is "embedding", "fullText" or "reRank".
	Type string `json:"type"`
	// Value is the score.
	Value float64 `json:"value"`
	// Index is the hit's rank in that list.
	Index int `json:"index"`
}

// SearchHit is one data item found by SearchTest.
type SearchHit struct {
	// ID is the data item's id.
	ID string `json:"id"`
	// UpdateTime is its last change.
	UpdateTime Timestamp `json:"updateTime,omitzero"`
	// Q is the main content.
	Q string `json:"q"`
	// A is the auxiliary content.
	A string `json:"a,omitempty"`
	// ChunkIndex is its position in the collection.
	ChunkIndex int `json:"chunkIndex"`
	// DatasetID is its dataset.
	DatasetID string `json:"datasetId"`
	// CollectionID is its collection.
	CollectionID string `json:"collectionId"`
	// SourceName is its collection's name.
	SourceName string `json:"sourceName,omitempty"`
	// SourceID is the id of its source.
	SourceID string `json:"sourceId,omitempty"`
	// Score are its scores, best kind first.
	Score []SearchScore `json:"score"`
}

// SearchTestResult is SearchTest's answer.
type SearchTestResult struct {
	// List are the hits, best first.
	List []SearchHit `json:"list"`
	// Duration is the search's duration as the server formats it ("0.001s").
	Duration string `json:"duration"`
	// SearchMode is the mode used.
	SearchMode SearchMode `json:"searchMode"`
	// Limit is the token limit used (a JSON number: some servers write it as 5000.0).
	Limit float64 `json:"limit"`
	// Similarity is the lowest score kept.
	Similarity float64 `json:"similarity"`
	// UsingReRank tells whether the hits were re-ranked.
	UsingReRank bool `json:"usingReRank"`
	// UsingSimilarityFilter tells whether Similarity filtered the hits.
	UsingSimilarityFilter bool `json:"usingSimilarityFilter"`
	// QueryExtensionModel is the LLM that rewrote the query, if any.
	QueryExtensionModel string `json:"queryExtensionModel,omitempty"`
}

// CreateTrainingUsageRequest creates a training bill (for PushDataRequest.BillID).
type CreateTrainingUsageRequest struct {
	// DatasetID is the dataset.
	DatasetID string `json:"datasetId"`
	// Name is the bill's name.
	Name string `json:"name,omitempty"`
}

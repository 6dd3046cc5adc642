package useapi

// tableModel is an entry of one of the model tables (VideoModels,
// ImageModels), which are looked up the same way.
type tableModel interface {
	tableID() string
}

func (m ImageModel) tableID() string { return m.ID }
func (m VideoModel) tableID() string { return m.ID }

// modelByID finds the model with the given id in a table.
func modelByID[M tableModel](table []M, id string) (M, bool) {
	for _, m := range table {
		if m.tableID() == id {
			return m, true
		}
	}
	var none M
	return none, false
}

// modelIDs lists a table's ids in its order (the gateway's).
func modelIDs[M tableModel](table []M) []string {
	ids := make([]string, len(table))
	for i, m := range table {
		ids[i] = m.tableID()
	}
	return ids
}

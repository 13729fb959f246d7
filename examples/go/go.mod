module example.com/zdd-verify-go

go 1.22

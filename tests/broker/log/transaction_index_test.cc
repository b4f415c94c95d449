#include "broker/log/transaction_index.h"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "broker/log/mem_env.h"
#include "common/bytes.h"

namespace brook::broker::log {
namespace {

constexpr const char* kPath = "/data/orders-0/00000000000000000000.txnindex";

AbortedTxn Txn(int64_t producer_id, int64_t first, int64_t last, int64_t lso) {
  return {ProducerId(producer_id), Offset(first), Offset(last), Offset(lso)};
}

// Three entries whose first offsets are not in last-offset order (the second transaction began
// before the first one ended), as happens with interleaved producers.
const std::vector<AbortedTxn> kThree = {Txn(1, 10, 20, 21), Txn(2, 5, 30, 31), Txn(3, 25, 40, 41)};

// Records how often each file was synced, on top of a MemEnv.
class SyncCountingEnv final : public Env {
 public:
  Result<std::unique_ptr<File>> OpenFile(const std::string& path) override {
    std::unique_ptr<File> file;
    BROOK_ASSIGN_OR_RETURN(file, mem_.OpenFile(path));
    return std::unique_ptr<File>(new CountingFile(std::move(file), &syncs_));
  }
  bool FileExists(const std::string& path) override { return mem_.FileExists(path); }
  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    return mem_.ListDir(dir);
  }
  Status CreateDirs(const std::string& dir) override { return mem_.CreateDirs(dir); }
  Status DeleteFile(const std::string& path) override { return mem_.DeleteFile(path); }
  Status DeleteDirRecursively(const std::string& dir) override {
    return mem_.DeleteDirRecursively(dir);
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    return mem_.RenameFile(from, to);
  }
  Status SyncDir(const std::string& dir) override { return mem_.SyncDir(dir); }
  Result<uint64_t> FileSize(const std::string& path) override { return mem_.FileSize(path); }

  int syncs() const { return syncs_; }

 private:
  class CountingFile final : public File {
   public:
    CountingFile(std::unique_ptr<File> file, int* syncs)
        : File(file->path()), file_(std::move(file)), syncs_(syncs) {}
    Result<size_t> ReadAt(uint64_t position, uint8_t* out, size_t n) const override {
      return file_->ReadAt(position, out, n);
    }
    Status Append(ByteView data) override { return file_->Append(data); }
    Status Truncate(uint64_t size) override { return file_->Truncate(size); }
    Status Sync() override {
      ++*syncs_;
      return file_->Sync();
    }
    uint64_t Size() const override { return file_->Size(); }

   private:
    std::unique_ptr<File> file_;
    int* syncs_;
  };

  MemEnv mem_;
  int syncs_ = 0;
};

class TransactionIndexTest : public ::testing::Test {
 protected:
  std::unique_ptr<TransactionIndex> Open(const std::string& path = kPath) {
    auto index = TransactionIndex::Open(&env_, path);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return index.ok() ? std::move(index).value() : nullptr;
  }

  std::unique_ptr<TransactionIndex> OpenWith(const std::vector<AbortedTxn>& entries) {
    auto index = Open();
    for (const AbortedTxn& txn : entries) EXPECT_TRUE(index->Append(txn).ok());
    EXPECT_TRUE(index->Flush().ok());
    return index;
  }

  uint64_t FileSize(const std::string& path = kPath) {
    auto size = env_.FileSize(path);
    EXPECT_TRUE(size.ok()) << size.status().ToString();
    return size.ok() ? *size : 0;
  }

  void WriteFile(const Bytes& data) {
    auto file = env_.OpenFile(kPath);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE((*file)->Append(data).ok());
  }

  MemEnv env_;
};

TEST_F(TransactionIndexTest, EntriesSurviveReopen) {
  OpenWith(kThree);
  auto reopened = Open();
  EXPECT_EQ(reopened->entries(), kThree);
  EXPECT_EQ(FileSize(), 3 * kTxnIndexEntrySize);
}

TEST_F(TransactionIndexTest, AnEntryIsThirtyFourBigEndianBytes) {
  OpenWith({Txn(0x0102030405060708, 0x1112131415161718, 0x2122232425262728, 0x3132333435363738)});
  auto data = env_.ReadSmallFile(kPath);
  ASSERT_TRUE(data.ok());
  const Bytes expected = {
      0x00, 0x00,                                      // version 0
      0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,  // producer id
      0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,  // first offset
      0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,  // last offset
      0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38,  // last stable offset
  };
  ASSERT_EQ(expected.size(), kTxnIndexEntrySize);
  EXPECT_EQ(HexString(*data), HexString(expected));
}

TEST_F(TransactionIndexTest, CollectListsEntriesEndingAtOrAfterFromAndStartingBelowUpper) {
  auto index = OpenWith(kThree);
  auto collect = [&](int64_t from, int64_t upper) {
    std::vector<AbortedTxn> out;
    index->Collect(Offset(from), Offset(upper), &out);
    return out;
  };
  EXPECT_EQ(collect(0, 100), kThree);
  // `from` bound: an entry ending exactly at `from` is listed, one ending just before is not.
  EXPECT_EQ(collect(20, 100), kThree);
  EXPECT_EQ(collect(21, 100), (std::vector<AbortedTxn>{kThree[1], kThree[2]}));
  EXPECT_EQ(collect(40, 100), (std::vector<AbortedTxn>{kThree[2]}));
  EXPECT_TRUE(collect(41, 100).empty());
  // `upper` bound: an entry starting exactly at `upper` is not listed, one starting below is.
  EXPECT_EQ(collect(0, 25), (std::vector<AbortedTxn>{kThree[0], kThree[1]}));
  EXPECT_EQ(collect(0, 26), kThree);
  EXPECT_EQ(collect(0, 10), (std::vector<AbortedTxn>{kThree[1]}));  // first offset 5 only
  EXPECT_TRUE(collect(0, 5).empty());
  // Both bounds at once; an entry left out for its first offset does not hide later ones.
  EXPECT_EQ(collect(21, 25), (std::vector<AbortedTxn>{kThree[1]}));
  EXPECT_EQ(collect(15, 8), (std::vector<AbortedTxn>{kThree[1]}));

  std::vector<AbortedTxn> out = {Txn(9, 0, 1, 2)};  // Collect appends, it does not clear
  index->Collect(Offset(40), Offset(100), &out);
  EXPECT_EQ(out, (std::vector<AbortedTxn>{Txn(9, 0, 1, 2), kThree[2]}));
}

TEST_F(TransactionIndexTest, AppendRefusesLastOffsetsThatDoNotIncrease) {
  auto index = OpenWith(kThree);
  EXPECT_EQ(index->Append(Txn(4, 35, 40, 41)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index->Append(Txn(4, 35, 39, 41)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index->entries(), kThree);
  EXPECT_EQ(FileSize(), 3 * kTxnIndexEntrySize);
  EXPECT_TRUE(index->Append(Txn(4, 35, 41, 42)).ok());
  EXPECT_EQ(Open()->entries().size(), 4u);
}

TEST_F(TransactionIndexTest, TruncateToDropsEntriesEndingAtOrAfterTheOffset) {
  auto index = OpenWith(kThree);
  ASSERT_TRUE(index->TruncateTo(Offset(41)).ok());  // nothing ends at or after 41
  EXPECT_EQ(index->entries(), kThree);
  ASSERT_TRUE(index->TruncateTo(Offset(30)).ok());  // drops the entry ending at 30 and after
  ASSERT_TRUE(index->Flush().ok());
  EXPECT_EQ(index->entries(), (std::vector<AbortedTxn>{kThree[0]}));
  EXPECT_EQ(FileSize(), kTxnIndexEntrySize);
  EXPECT_EQ(Open()->entries(), (std::vector<AbortedTxn>{kThree[0]}));

  // Appends after a truncation land right behind the kept entries.
  ASSERT_TRUE(index->Append(Txn(5, 22, 23, 24)).ok());
  EXPECT_EQ(Open()->entries(), (std::vector<AbortedTxn>{kThree[0], Txn(5, 22, 23, 24)}));

  ASSERT_TRUE(index->TruncateTo(Offset(0)).ok());
  EXPECT_TRUE(index->entries().empty());
  EXPECT_EQ(FileSize(), 0u);
  EXPECT_TRUE(Open()->entries().empty());
}

TEST_F(TransactionIndexTest, TruncateToWritesBackEntriesTheFileLost) {
  auto index = OpenWith(kThree);
  ASSERT_TRUE(env_.TruncateFile(kPath, kTxnIndexEntrySize).ok());  // cut behind its back
  ASSERT_TRUE(index->TruncateTo(Offset(40)).ok());
  EXPECT_EQ(FileSize(), 2 * kTxnIndexEntrySize);
  EXPECT_EQ(Open()->entries(), (std::vector<AbortedTxn>{kThree[0], kThree[1]}));
}

TEST_F(TransactionIndexTest, TornTailIsCutOnOpen) {
  OpenWith(kThree);
  ASSERT_TRUE(env_.TruncateFile(kPath, 3 * kTxnIndexEntrySize - 5).ok());
  auto index = Open();
  EXPECT_EQ(index->entries(), (std::vector<AbortedTxn>{kThree[0], kThree[1]}));
  EXPECT_EQ(FileSize(), 2 * kTxnIndexEntrySize);

  // The replay writes the lost entry again, and the file reads back whole.
  ASSERT_TRUE(index->Append(kThree[2]).ok());
  EXPECT_EQ(Open()->entries(), kThree);
}

TEST_F(TransactionIndexTest, UnknownVersionCutsTheFileBeforeThatEntry) {
  OpenWith({Txn(1, 1, 2, 3), Txn(1, 4, 5, 6), Txn(1, 7, 8, 9), Txn(1, 10, 11, 12)});
  ASSERT_TRUE(env_.FlipByte(kPath, 2 * kTxnIndexEntrySize + 1, 0x01).ok());  // version 1
  EXPECT_EQ(Open()->entries(), (std::vector<AbortedTxn>{Txn(1, 1, 2, 3), Txn(1, 4, 5, 6)}));
  EXPECT_EQ(FileSize(), 2 * kTxnIndexEntrySize);
}

TEST_F(TransactionIndexTest, LastOffsetGoingBackCutsTheFileBeforeThatEntry) {
  Bytes data;
  for (int64_t last : {10, 20, 15, 30}) {
    AppendBigEndian<int16_t>(data, 0);
    AppendBigEndian<int64_t>(data, 7);
    AppendBigEndian<int64_t>(data, last - 1);
    AppendBigEndian<int64_t>(data, last);
    AppendBigEndian<int64_t>(data, last + 1);
  }
  WriteFile(data);
  EXPECT_EQ(Open()->entries(), (std::vector<AbortedTxn>{Txn(7, 9, 10, 11), Txn(7, 19, 20, 21)}));
  EXPECT_EQ(FileSize(), 2 * kTxnIndexEntrySize);
}

TEST_F(TransactionIndexTest, FileShorterThanOneEntryOpensEmptyAndIsCut) {
  WriteFile({0x00, 0x00, 0x01});
  auto index = Open();
  EXPECT_TRUE(index->entries().empty());
  EXPECT_EQ(FileSize(), 0u);
  ASSERT_TRUE(index->Append(kThree[0]).ok());
  EXPECT_EQ(Open()->entries(), (std::vector<AbortedTxn>{kThree[0]}));
}

TEST_F(TransactionIndexTest, ContainsFindsOnlyIndexedMarkers) {
  auto index = OpenWith(kThree);
  EXPECT_TRUE(index->Contains(Offset(20)));
  EXPECT_TRUE(index->Contains(Offset(30)));
  EXPECT_TRUE(index->Contains(Offset(40)));
  EXPECT_FALSE(index->Contains(Offset(10)));  // a first offset, not a marker
  EXPECT_FALSE(index->Contains(Offset(25)));
  EXPECT_FALSE(index->Contains(Offset(41)));
  EXPECT_FALSE(Open("/data/orders-0/00000000000000000100.txnindex")->Contains(Offset(20)));
}

TEST_F(TransactionIndexTest, DeleteRemovesTheFileAndTheEntries) {
  auto index = OpenWith(kThree);
  ASSERT_TRUE(index->Delete().ok());
  EXPECT_FALSE(env_.FileExists(kPath));
  EXPECT_TRUE(index->entries().empty());
  EXPECT_FALSE(index->Contains(Offset(20)));
  ASSERT_TRUE(index->Delete().ok());  // no file: nothing to do

  auto never_written = Open("/data/orders-0/00000000000000000100.txnindex");
  EXPECT_TRUE(never_written->Delete().ok());
}

TEST_F(TransactionIndexTest, FileIsCreatedOnlyByTheFirstAppend) {
  auto index = Open();
  EXPECT_FALSE(env_.FileExists(kPath));
  EXPECT_TRUE(index->entries().empty());
  ASSERT_TRUE(index->Flush().ok());
  ASSERT_TRUE(index->TruncateTo(Offset(0)).ok());
  EXPECT_FALSE(env_.FileExists(kPath));
  EXPECT_TRUE(Open()->entries().empty());  // reopening does not create it either
  EXPECT_FALSE(env_.FileExists(kPath));

  ASSERT_TRUE(index->Append(kThree[0]).ok());
  EXPECT_TRUE(env_.FileExists(kPath));
  EXPECT_EQ(FileSize(), kTxnIndexEntrySize);
}

TEST_F(TransactionIndexTest, BytesAppearingAfterOpenAreReplacedByTheFirstAppend) {
  auto index = Open();
  WriteFile(Bytes(2 * kTxnIndexEntrySize, 0));  // stale bytes someone left at the path
  ASSERT_TRUE(index->Append(kThree[0]).ok());
  EXPECT_EQ(FileSize(), kTxnIndexEntrySize);
  EXPECT_EQ(Open()->entries(), (std::vector<AbortedTxn>{kThree[0]}));
}

TEST_F(TransactionIndexTest, RenameMovesTheFileAndKeepsTheEntries) {
  const std::string cleaned = std::string(kPath) + ".cleaned";
  auto index = OpenWith(kThree);
  ASSERT_TRUE(index->Rename(cleaned).ok());
  EXPECT_EQ(index->path(), cleaned);
  EXPECT_FALSE(env_.FileExists(kPath));
  EXPECT_EQ(index->entries(), kThree);
  ASSERT_TRUE(index->Append(Txn(4, 45, 50, 51)).ok());  // appends follow the file
  EXPECT_EQ(Open(cleaned)->entries().size(), 4u);
}

TEST_F(TransactionIndexTest, RenameWithoutAFileOnlyChangesThePath) {
  const std::string other = "/data/orders-0/00000000000000000100.txnindex";
  auto index = Open();
  ASSERT_TRUE(index->Rename(other).ok());
  EXPECT_EQ(index->path(), other);
  EXPECT_FALSE(env_.FileExists(kPath));
  EXPECT_FALSE(env_.FileExists(other));
  ASSERT_TRUE(index->Append(kThree[0]).ok());
  EXPECT_FALSE(env_.FileExists(kPath));
  EXPECT_EQ(Open(other)->entries(), (std::vector<AbortedTxn>{kThree[0]}));
}

TEST(TransactionIndexSyncTest, FlushSyncsOnlyWhenEntriesChanged) {
  SyncCountingEnv env;
  auto opened = TransactionIndex::Open(&env, kPath);
  ASSERT_TRUE(opened.ok());
  auto index = std::move(opened).value();
  ASSERT_TRUE(index->Flush().ok());
  EXPECT_EQ(env.syncs(), 0);  // no file yet
  ASSERT_TRUE(index->Append(kThree[0]).ok());
  ASSERT_TRUE(index->Append(kThree[1]).ok());
  ASSERT_TRUE(index->Flush().ok());
  EXPECT_EQ(env.syncs(), 1);
  ASSERT_TRUE(index->Flush().ok());
  EXPECT_EQ(env.syncs(), 1);
  ASSERT_TRUE(index->TruncateTo(Offset(100)).ok());  // drops nothing
  ASSERT_TRUE(index->Flush().ok());
  EXPECT_EQ(env.syncs(), 1);
  ASSERT_TRUE(index->TruncateTo(Offset(30)).ok());
  ASSERT_TRUE(index->Flush().ok());
  EXPECT_EQ(env.syncs(), 2);
}

// A fresh directory under /tmp, removed when the object goes.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/brook-txnindex-XXXXXX";
    const char* made = ::mkdtemp(pattern);
    EXPECT_NE(made, nullptr);
    path_ = made != nullptr ? made : "";
  }
  ~TempDir() {
    if (!path_.empty()) std::filesystem::remove_all(path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The same index on the real file system.
TEST(TransactionIndexPosixTest, RoundTripRepairRenameAndDeleteOnDisk) {
  TempDir temp;
  ASSERT_FALSE(temp.path().empty());
  const std::string& dir = temp.path();
  const std::string path = JoinPath(dir, "00000000000000000000.txnindex");
  Env* env = Env::Posix();
  auto open = [&](const std::string& p) {
    auto index = TransactionIndex::Open(env, p);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return index.ok() ? std::move(index).value() : nullptr;
  };

  auto index = open(path);
  EXPECT_FALSE(std::filesystem::exists(path));
  for (const AbortedTxn& txn : kThree) ASSERT_TRUE(index->Append(txn).ok());
  ASSERT_TRUE(index->Flush().ok());
  EXPECT_EQ(std::filesystem::file_size(path), 3 * kTxnIndexEntrySize);
  EXPECT_EQ(open(path)->entries(), kThree);

  std::filesystem::resize_file(path, 2 * kTxnIndexEntrySize + 1);  // a torn append
  index = open(path);
  EXPECT_EQ(index->entries(), (std::vector<AbortedTxn>{kThree[0], kThree[1]}));
  EXPECT_EQ(std::filesystem::file_size(path), 2 * kTxnIndexEntrySize);

  const std::string renamed = JoinPath(dir, "00000000000000000000.txnindex.deleted");
  ASSERT_TRUE(index->Rename(renamed).ok());
  EXPECT_FALSE(std::filesystem::exists(path));
  ASSERT_TRUE(index->Append(kThree[2]).ok());
  ASSERT_TRUE(index->Flush().ok());
  EXPECT_EQ(open(renamed)->entries(), kThree);

  ASSERT_TRUE(index->Delete().ok());
  EXPECT_FALSE(std::filesystem::exists(renamed));
}

}  // namespace
}  // namespace brook::broker::log
